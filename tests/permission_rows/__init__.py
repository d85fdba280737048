"""Rows of the permission table, one module per feature.

Each module defines ROWS: a list of (endpoint, method, expected, default):
  endpoint  Flask endpoint name, e.g. "manage.edit_camp"
  method    "GET" or "POST"
  expected  {role: status} for roles that differ from default
  default   status for every other role
Roles: anonymous, participant, staff, jury, owner, organiser, other_organiser, admin.
URL arguments are filled by name from the world built in tests/test_permissions.py.
"""
