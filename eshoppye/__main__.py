import sys

from eshoppye.cli import main

sys.exit(main())
