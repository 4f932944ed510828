"""Who may sign in, what each of them sees and what each may change.

`users` keeps the users file (roles, reps, territories, argon2 password hashes — never a password);
`signin` checks a password with throttling and idle expiry; `visibility` turns a `Viewer` into the
territories they may see and intersects every requested scope with them; `permissions` says which
role may write what and refuses the rest; `viewer_store` binds a viewer to the store so that every
read and write made through it knows who asks. It stands just above the store: every feature
package may use it, and it reads the territory tree itself (bound parameters only).
"""
