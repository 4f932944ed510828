"""The territory model: the tree of territories (any depth) as integer nodes with their ancestors
(`hierarchy`), which every figure rolls up through; and its management — editing the tree (`tree`),
who sits where (`members`), customers held twice (`duplicates`), accounts nobody holds (`unowned`),
owner suggestions (`suggestions`), shared key accounts (`shares`) and the specialist pool (`pool`).
Every change of who holds an account goes through `ownership` and lands in `assignment_log`.
"""
