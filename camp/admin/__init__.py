"""Site administration (administrators only): people, their data, erasure (issue 9)."""
