from partner_warehouse.cli import command

command()
