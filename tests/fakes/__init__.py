"""In-process fakes of the chat platforms, used by the end-to-end tests.

The fakes speak real HTTP on 127.0.0.1, so the real client libraries run unpatched against them.
"""
