"""The shared kernel: small helpers every app may use. It imports no app of this project (import-linter checks)."""
