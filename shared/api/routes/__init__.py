"""The endpoints of each Cloud Function, one module per function.

A function's entry point imports only its own module here (never this
package's siblings), so each function loads only what it serves.
"""
