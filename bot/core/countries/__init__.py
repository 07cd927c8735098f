"""Countries: emergency numbers, names people type, time zones, and a shared location.

The engine and the screens import from here; the data lives in ``content/countries.yaml``.
"""

from bot.core.countries.catalog import CountryCatalog
from bot.core.countries.location import from_location
from bot.core.countries.model import Country, MedicalLine, ZoneChoice, load_country_data
from bot.core.countries.numbers import TEXT_KEYS, Numbers

__all__ = [
    "TEXT_KEYS",
    "Country",
    "CountryCatalog",
    "MedicalLine",
    "Numbers",
    "ZoneChoice",
    "from_location",
    "load_country_data",
]
