"""`python -m engine.importing.worker_entry`: the import worker's process (see worker.py).

A module of its own, which the package never imports, so that running it does not import it twice.
"""
from engine.importing.worker import main

if __name__ == "__main__":
    main()
