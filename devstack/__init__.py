"""Local platform runner: every emulator Sésame talks to, started and stopped as one.

``python -m devstack run -- pytest`` installs what is missing, starts the Firestore,
Firebase Auth, Cloud Storage and Cloud Tasks emulators plus a SendGrid sink, waits
until each answers, runs the command with the matching environment and stops
everything it started, whatever happens. See ``python -m devstack --help``.

This package only uses the standard library (except :mod:`devstack.gateway`, which the
main venv runs), so it can bootstrap a fresh clone before anything else is installed.
"""
