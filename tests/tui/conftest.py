import os
import time

# Local time is part of what the screens show; fix it so tests and snapshots agree anywhere.
os.environ["TZ"] = "UTC"
time.tzset()
