"""The portal: accounts, roles and permissions, sessions, audit, and tracked actions."""
