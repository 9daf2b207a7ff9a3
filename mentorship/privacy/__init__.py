"""Personal data rights: a person downloads everything about them and may ask for it to be deleted.

It lives in the project package because it reads and erases across every app; each app says what is its part
in its own ``personal_data.py`` (export_for and erase).
"""
