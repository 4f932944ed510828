"""The territory model: the tree of territories (any depth) as integer nodes with their ancestors
(`hierarchy`), which every figure rolls up through; and the assignment rules that route accounts and
deals to territories — the rule language (`rule_tokens`, `rule_language`, `compile`), the rule
table (`rules`, `rules_file`), the simulation (`matching`, `assignment`) and publishing it
(`publish`: apply, undo, routing on import). docs/rules.md is the reference.
"""
