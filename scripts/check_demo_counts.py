"""Check that search serves exactly the open beginner issues of a JSONL file.

Usage: python scripts/check_demo_counts.py [ISSUES.jsonl]

Runs five filter combinations through the API (in process, against the
configured Elasticsearch) and compares hit and facet counts with counts
computed straight from the file. Exits 1 on any difference.
"""

import sys
from pathlib import Path

from core.settings import get_settings
from search_api.count_check import check_counts

if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else get_settings().demo_data_path
    sys.exit(0 if check_counts(path) else 1)
