import sys

from partner_warehouse.cli import main

sys.exit(main())
