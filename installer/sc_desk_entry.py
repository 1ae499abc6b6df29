"""The frozen desktop's entry point (app.main stays an importable module in the bundle)."""

import multiprocessing
import sys

from app.main import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
