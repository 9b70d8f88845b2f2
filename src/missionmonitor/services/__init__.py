"""Services: the operations the CLI (and later the web app) call. Routes stay thin."""

from typing import Literal

#: The formats results are exported in (here, so that the command line can offer them
#: without loading the services).
ExportFormat = Literal["csv", "json", "parquet"]
