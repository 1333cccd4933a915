"""NTT region master: the 3,780 Kemendagri regions of province 53, hierarchy, population, map boundaries.

Codes are Kemendagri (Dukcapil) codes, the scheme NIKs use. BPS statistics use other codes: see
`bps_crosswalk`.
The data ship inside the package (data/README.md gives provenance and licences).
"""

from satudata.regions.bps import bps_crosswalk
from satudata.regions.codes import LEVELS, Level, code_level, dotted, normalise_code
from satudata.regions.errors import InvalidRegionCodeError, UnknownRegionError
from satudata.regions.maps import centroids, geojson, geojson_bytes
from satudata.regions.master import RegionMaster, master
from satudata.regions.model import Population, Region
from satudata.regions.provinces import INDONESIA_PROVINCE_CODES, NTT_PROVINCE_CODE

__all__ = [
    "INDONESIA_PROVINCE_CODES",
    "LEVELS",
    "NTT_PROVINCE_CODE",
    "InvalidRegionCodeError",
    "Level",
    "Population",
    "Region",
    "RegionMaster",
    "UnknownRegionError",
    "bps_crosswalk",
    "centroids",
    "code_level",
    "dotted",
    "geojson",
    "geojson_bytes",
    "master",
    "normalise_code",
]
