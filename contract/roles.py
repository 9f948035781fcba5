"""The dashboard roles (DOMAIN rule 7): a partner admin sees the partner's data, a supervisor
their team's customers, a customer manager their own. The users file accepts these and no
other; what each role may see is decided in dashboards/queries.py (`Viewer`)."""

ROLES = ("partner_admin", "supervisor", "customer_manager")
