"""The word lists words.py reads: titles, suffixes, street types, general abbreviations, states (data)."""

from __future__ import annotations

TITLES = {
    "Dr": "Doctor",
    "Mr": "Mister",
    "Mrs": "Misses",
    "Ms": "Miz",
    "Prof": "Professor",
    "Gov": "Governor",
    "Sen": "Senator",
    "Rep": "Representative",
    "Gen": "General",
    "Lt": "Lieutenant",
    "Col": "Colonel",
    "Capt": "Captain",
    "Sgt": "Sergeant",
    "Cpl": "Corporal",
    "Pvt": "Private",
    "Adm": "Admiral",
    "Cmdr": "Commander",
    "Maj": "Major",
    "Rev": "Reverend",
    "Hon": "Honorable",
    "Pres": "President",
    "Supt": "Superintendent",
    "Det": "Detective",
    "Insp": "Inspector",
    "Fr": "Father",
    "Atty": "Attorney",
    "Msgr": "Monsignor",
    "Sens": "Senators",
    "Reps": "Representatives",
    "Gens": "Generals",
    "Amb": "Ambassador",
    "Mt": "Mount",
    "Ft": "Fort",
    "Messrs": "Messieurs",
    "Mme": "Madame",
    "Sec": "Secretary",
    "Lt.Gen": "Lieutenant General",
}


# Titles British style writes without a full stop ("Mr Smith").
NO_DOT_TITLES = {"Dr", "Mr", "Mrs", "Ms", "Prof", "Messrs", "Mme"}


SUFFIXES = {
    "Inc": "Incorporated",
    "Corp": "Corporation",
    "Ltd": "Limited",
    "Co": "Company",
    "Cos": "Companies",
    "Bros": "Brothers",
    "Jr": "Junior",
    "Sr": "Senior",
    "Assn": "Association",
    "Dept": "Department",
    "Univ": "University",
    "Govt": "Government",
    "Intl": "International",
    "Mfg": "Manufacturing",
    "Esq": "Esquire",
    "plc": "P.L.C",
    "Plc": "P.L.C",
}


NO_DOT_SUFFIXES = {"Inc", "Corp", "Ltd", "Jr", "Sr", "plc", "Plc"}


STREETS = {
    "Ave": "Avenue",
    "Blvd": "Boulevard",
    "Rd": "Road",
    "Ln": "Lane",
    "Hwy": "Highway",
    "Pkwy": "Parkway",
    "Dr": "Drive",
    "St": "Street",
    "Sq": "Square",
    "Ct": "Court",
}


GENERAL = {
    "vs": "versus",
    "Vs": "versus",
    "etc": "et cetera",
    "e.g": "for example",
    "i.e": "that is",
    "E.g": "for example",
    "I.e": "that is",
    "approx": "approximately",
    "Approx": "approximately",
    "a.k.a": "also known as",
    "Ph.D": "P.H.D",
    "cf": "compare",
    "Fig": "figure",
    "fig": "figure",
}


# Only before a number ("No. 5", "Vol. 3", "ca. 1500").
BEFORE_NUMBER = {
    "No": "number",
    "no": "number",
    "Nos": "numbers",
    "nos": "numbers",
    "Vol": "volume",
    "vol": "volume",
    "Ch": "chapter",
    "ch": "chapter",
    "ca": "circa",
    "c": "circa",
    "p": "page",
    "pp": "pages",
    "Art": "article",
    "Sect": "section",
    "Apt": "apartment",
    "Rm": "room",
    "Ste": "suite",
    "Bldg": "building",
}


STATES = {
    "Ala": "Alabama",
    "Ariz": "Arizona",
    "Ark": "Arkansas",
    "Calif": "California",
    "Colo": "Colorado",
    "Conn": "Connecticut",
    "Del": "Delaware",
    "Fla": "Florida",
    "Ga": "Georgia",
    "Ill": "Illinois",
    "Ind": "Indiana",
    "Kan": "Kansas",
    "Kans": "Kansas",
    "Ky": "Kentucky",
    "La": "Louisiana",
    "Md": "Maryland",
    "Mass": "Massachusetts",
    "Mich": "Michigan",
    "Minn": "Minnesota",
    "Miss": "Mississippi",
    "Mo": "Missouri",
    "Mont": "Montana",
    "Neb": "Nebraska",
    "Nebr": "Nebraska",
    "Nev": "Nevada",
    "N.H": "New Hampshire",
    "N.J": "New Jersey",
    "N.M": "New Mexico",
    "N.Y": "New York",
    "N.C": "North Carolina",
    "N.D": "North Dakota",
    "Okla": "Oklahoma",
    "Ore": "Oregon",
    "Pa": "Pennsylvania",
    "R.I": "Rhode Island",
    "S.C": "South Carolina",
    "S.D": "South Dakota",
    "Tenn": "Tennessee",
    "Tex": "Texas",
    "Vt": "Vermont",
    "Va": "Virginia",
    "Wash": "Washington",
    "W.Va": "West Virginia",
    "Wis": "Wisconsin",
    "Wyo": "Wyoming",
}


SPECIAL_WORDS = {"PhD": "P.H.D", "PhDs": "P.H.D's", "&": "and"}
