"""No models: this module only makes ``migrate`` send this app its post_migrate signal (Django skips apps without a
models module), on which the audit trigger functions are rebuilt (apps.py)."""
