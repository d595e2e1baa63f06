"""Spider for configured catalogue pages: start URLs come from the catalogue's YAML (scrapers/catalogues/).

The parser (`scrapers.parsers.configured`) decides which links to follow and reports layout breakage; this
class only makes the YAML the single place a catalogue's URLs are written. `MCATLAS_START_URLS` still wins
(tests against a local server).
"""

from __future__ import annotations

from scrapers.parsers.configured import load_catalogue
from scrapers.spiders.base import SourceSpider


class ConfiguredSpider(SourceSpider):
    name = "configured"

    def start_urls_for_run(self) -> list[str]:
        override = str(self.settings.get("MCATLAS_START_URLS") or "").split()
        catalogue = str(self.source.options.get("catalogue") or self.source.name)
        return override or list(load_catalogue(catalogue).start_urls)
