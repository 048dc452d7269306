"""Notes storage on sqlite: connection, migrations, repository, backups, instance lock. No Qt."""
