"""Running calls at the same moment, for the tests of PostgreSQL's row locks."""

import threading

from django.core.exceptions import ValidationError
from django.db import connection


def race(*calls):
    """Run the calls in threads released together; {index: "done" or the refusal's code}."""
    barrier = threading.Barrier(len(calls))
    results = {}

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            call()
            results[index] = "done"
        except ValidationError as error:
            results[index] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results
