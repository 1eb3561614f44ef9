"""Django's PostgreSQL backend, but for how a small insert is written (`compiler`)."""
