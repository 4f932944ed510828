"""The territory model: the tree of territories (any depth) as integer nodes with their ancestors
(`hierarchy`), which every figure rolls up through.
"""
