"""The occupations and areas of the four seed partnerships: the OEWS extract for tests is cut to these."""

DEMO_AREAS = [
    "0000000",  # National
    "1300000", "1800000", "4100000", "4800000",  # Georgia, Indiana, Oregon, Texas
    "0012060",  # Atlanta-Sandy Springs-Roswell, GA
    "0029200",  # Lafayette-West Lafayette, IN
    "0029020",  # Kokomo, IN
    "0038900",  # Portland-Vancouver-Hillsboro, OR-WA
    "0026420",  # Houston-Pasadena-The Woodlands, TX
]

DEMO_OCCUPATIONS = [
    # Healthcare (Metro Atlanta): EVS technicians, CNAs, PCTs, LPNs, EMTs, paramedics and neighbours
    "37-2011", "37-2012", "31-1131", "31-1120", "29-2061", "29-2042", "29-2043", "31-9092", "29-1141", "31-9097",
    "29-2052", "29-2072", "29-2055",
    # Manufacturing (OMIC, Advancing Manufacturing)
    "51-4121", "51-4041", "51-9161", "51-2090", "51-2011", "49-9041", "51-1011", "51-9061", "17-3026", "51-2041",
    "51-2028",
    "51-4031", "53-7051", "51-9111", "51-4111",
    # Construction crafts (UpSkill Houston)
    "47-2152", "47-2111", "47-2031", "49-9021", "47-2061", "53-7021", "47-2211", "47-2011", "47-2132",
    "49-3042", "53-3032",
]
