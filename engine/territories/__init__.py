"""The territory model: the tree of territories (any depth) as integer nodes with their ancestors
(`hierarchy`), which every figure rolls up through; and its management — editing the tree (`tree`),
who sits where (`members`), customers held twice (`duplicates`), accounts nobody holds (`unowned`),
owner suggestions (`suggestions`), shared key accounts (`shares`) and the specialist pool (`pool`).
The assignment rules route accounts and deals to territories — the rule language (`rule_tokens`,
`rule_language`, `compile`), the rule table (`rules`, `rules_file`), the simulation (`matching`,
`assignment`) and publishing it (`publish`: apply, undo, routing on import); docs/rules.md is the
reference. Every change of who holds an account lands in `assignment_log`.
"""
