"""More headings whose words alone mislead: states that changed (China, Vietnam, Yemen, the United Arab
Republic, the Soviet Union, Yugoslavia, the Central American Federation) and relations the guide
restores or interrupts in words the general reading does not know. Each claim quotes the guide."""

from __future__ import annotations

from api.importers.guide_claims import BOTH, THEM, C, Claim

_CENTRAL_AMERICA = ("The United States recognized the independence of the Federation of Central American States "
                    "from Spain on August 4, 1824")
_BALTIC = "the Soviet actions forced the closure of the American Legation"

MORE: list[tuple[str, str, list[Claim]]] = [
    # China: the Qing dynasty, the Republic of China, the People's Republic.
    ("china", r"Relations Interrupted, 1912",
     [C("ended", party="QING", how="dissolution", others=("TWN",), quote="as a result of the Chinese Revolution, the "
        "Manchu Emperor abdicated his throne in favor of a provisional republican government")]),
    ("china", r"Relations Resumed, 1913",
     [C("established", party="TWN"),
      C("recognized", party="TWN", government="Government of the Republic of China (Beijing)", implied=True,
        quote="The United States withheld recognition of this new provisional government while awaiting the "
        "organization of a permanent government.")]),
    ("china", r"Relations Resumed, 1928",
     [C("resumed", party="TWN"),
      C("recognized", party="TWN", government="Nationalist Government of the Republic of China",
        quote="The Department of State declared that this act constituted full recognition of the Nationalist "
        "Government of China")]),
    ("china", r"Establishment of Diplomatic Relations with PRC",
     [C("recognized", party="CHN", quote="On January 1, 1979, the United States recognized the PRC and established "
        "diplomatic relations with it as the sole legitimate government of China."),
      C("established", party="CHN"),
      C("withdrawn", party="TWN", quote="the United States withdrew its recognition of, and terminated diplomatic "
        "relations with, the Republic of China as the government of China"),
      C("severed", party="TWN", when="1979-01-01")]),
    ("china", r"Closing of U.S. Embassy at Taipei", [C("closed", party="TWN", level="embassy")]),
    ("china", r"Opening of U.S. Embassy at Beijing",
     [C("changed", party="CHN", was="liaison-office", level="embassy")]),
    # Vietnam: the State of Vietnam (later the Republic of Vietnam), then Vietnam.
    ("vietnam", r"Relations Interrupted, 1975",
     [C("closed", level="embassy", when="1975-04-29"), C("suspended", when="1975-04-29"),
      C("ended", party="COW817", when="1975-04-29/1975-12-31", how="merger", others=("VNM",), implied=True,
        quote="just prior to the surrender of South Vietnam to North Vietnamese forces")]),
    ("vietnam", r"Relations Resumed, 1995",
     [C("established", quote="The United States and Vietnam reestablished diplomatic relations on August 5, 1995"),
      C("opened", level="embassy", when="1995-08-06", quote="The opening of Embassy Hanoi took place on August 6.")]),
    # Yemen: the Kingdom of Yemen (the Yemen Arab Republic), South Yemen, and Yemen united.
    ("yemen", r"Diplomatic Relations Severed, 1967", [C("severed", party="COW678")]),
    ("yemen", r"Severance of Diplomatic Relations, 1969", [C("severed", party="COW680")]),
    ("yemen", r"Unification of the Yemen Arab Republic",
     [C("ended", party="COW678", when="1990-05-22", how="unification", others=("YEM",)),
      C("ended", party="COW680", when="1990-05-22", how="unification", others=("YEM",)),
      C("began", when="1990-05-22", how="unification", others=("COW678", "COW680"),
        quote="the Yemen Arab Republic and the People’s Democratic Republic of Yemen announced that they would form "
        "a united “Republic of Yemen.”")]),
    ("yemen", r"Diplomatic Relations Resumed and Reopening of American Embassy San’a",
     [C("reestablished", party="COW678", when="1972-07"), C("opened", party="COW678", level="embassy", when="1972-07",
                                                             quote="At this time, the Embassy in San’a reopened.")]),
    # Egypt, Syria and the United Arab Republic.
    ("egypt", r"Formation, Recognition, and Dissolution of the United Arab Republic",
     [C("recognized", government="United Arab Republic", when="1958-02-25")]),
    ("syria", r"Formation and Recognition of the United Arab Republic",
     [C("ended", when="1958-02-22", how="merger", others=("EGY",), quote="Egypt and Syria united to form a new state, "
        "the United Arab Republic (UAR), on February 22, 1958."),
      C("recognized", party="EGY", government="United Arab Republic", when="1958-02-25")]),
    ("syria", r"Diplomatic Relations with Syria Relations Ended",
     [C("severed", when="1958-02-25"), C("changed", was="legation", level="consulate-general", when="1958-02-25",
                                           quote="the American Embassy in Damascus was reclassified as a Consulate "
                                                 "General on February 25, 1958")]),
    ("syria", r"Dissolution of the United Arab Republic and Recognition of Syria",
     [C("began", when="1961-09-28", how="secession", others=("EGY",), quote="Syria seceded from the UAR on September "
        "28, 1961, and reestablished the independent Syrian Arab Republic"),
      C("recognized", government="Syrian Arab Republic", when="1961-10-10")]),
    ("syria", r"Reestablishment of Diplomatic Relations and the American Embassy in Syria",
     [C("reestablished"), C("changed", was="consulate-general", level="embassy")]),
    # The Soviet Union, and Russia after it.
    ("russia", r"Normal Diplomatic Relations Resumed",
     [C("resumed"), C("recognized", government="Government of the Union of Soviet Socialist Republics",
                      quote="the United States recognized the Government of the Union of Soviet Socialist Republics")]),
    ("russia", r"Establishment of Diplomatic Relations with Russia", [C("note")]),
    # The Baltic states: relations the United States held to continue, "normal" ones resumed in 1991.
    ("estonia|latvia|lithuania", r"Recognition of \w+ Independence from the USSR",
     [C("recognized", government="independence restored, 1991")]),
    ("estonia|latvia|lithuania", r"Resumption of Normal Relations",
     [C("suspended", when="1940-08/1940-09-05", implied=True, quote=_BALTIC), C("resumed")]),
    # Yugoslavia.
    ("kingdom-of-yugoslavia", r"Cessation of Relations, 1992",
     [C("suspended", quote="U.S. Ambassador Warren Zimmerman was recalled from Belgrade, but the mission continued with "
        "a staff under the authority of a Chargé d’Affaires ad interim.")]),
    ("serbia", r"Normal Relations with Socialist Federal Republic of Yugoslavia Interrupted",
     [C("suspended", when="1992-05-21", quote="U.S. Ambassador Warren Zimmerman was recalled from Belgrade, but the "
        "mission continued with a staff under the authority of a Chargé d’Affaires ad interim.")]),
    ("serbia", r"Diplomatic Relations Severed, 1999",
     [C("severed"), C("closed", level="embassy", quote="the U.S. severed relations with the Federal Republic of "
                                                       "Yugoslavia, and closed Embassy Belgrade")]),
    ("serbia", r"U.S. Embassy in Serbia Reopened", [C("opened", level="embassy", when="2001-05")]),
    # The Central American Federation and its members.
    ("central-american-federation", r"Cessation of Relations",
     [C("ended", when="1838/1840", how="dissolution", others=("GTM", "SLV", "HND", "NIC", "CRI"), quote="The Central "
        "American Federation began to dissolve during 1838-40 due to civil war")]),
    ("el-salvador", r"U.S. Recognition of Salvadoran Independence",
     [C("recognized", party="COW89", when="1824-08-04", quote=_CENTRAL_AMERICA),
      C("recognized", when="1849-05-01", quote="the United States recognized Salvador (El Salvador) as a separate, "
        "independent state on May 1, 1849")]),
    ("honduras", r"U.S. Recognition of Honduran Independence",
     [C("recognized", party="COW89", when="1824-08-04", quote=_CENTRAL_AMERICA),
      C("recognized", when="1853-04-19", quote="the United States recognized Honduras as a separate, independent state "
        "on April 19, 1853")]),
    ("el-salvador", r"Diplomatic Relations Normalized",
     [C("resumed"), C("recognized", government="Martinez Government of El Salvador", when="1934-01-26")]),
    ("costa-rica", r"Interruption of Relations, 1917-1922",
     [C("suspended", when="1917", quote="The United States did not recognize the new government of Federico Tinoco."),
      C("closed", level="legation", when="1918-12-05"), C("opened", level="legation", when="1920-10-15"),
      C("resumed", when="1920-10-15/1922-03-14", implied=True, quote="After the overthrow of Tinoco and prior to the "
        "election of Julio Acosta as President, the Legation was reopened October 15, 1920.")]),
    # Headings that say "suspension" or "interrupted" where the text says relations were severed.
    ("japan", r"Suspension of Diplomatic Relations, 1941",
     [C("severed", quote="Diplomatic relations between Japan and the United States were severed on December 8, 1941")]),
    ("hungary", r"Relations Interrupted, 1941",
     [C("severed", quote="Hungary severed diplomatic relations with the United States on December 11, 1941")]),
    # France's governments of the Second World War.
    ("france", r"Limited U.S. Recognition of the French Committee of National Liberation",
     [C("recognized", when="1943-08-26", government="French Committee of National Liberation",
        quote="On August 24, 1943, President Roosevelt instructed Acting-Secretary of State Adolf A. Berle to forward a "
        "message to U.S. Minister Robert D. Murphy (Roosevelt’s personal representative in Algiers) that was to be "
        "distributed to members of the FCNL two days later")]),
    ("france", r"U.S. Recognition of the Provisional Government of the French Republic",
     [C("recognized", when="1944-10-23", government="Provisional Government of the French Republic",
        quote="On October 23, 1944, the Department of State issued a press release announcing the recognition of the "
        "PGFR by the U.S. Government")]),
    # Others.
    ("netherlands", r"Re-Opening of Diplomatic Relations",
     [C("severed", when="1801-09-02/1814-09-24", implied=True, quote="On September 2, 1801, U.S. Minister William Vans "
        "Murray departed the Batavian Republic, the last U.S. diplomat accredited to the Netherlands until 1814."),
      C("reestablished", when="1814-09-24"),
      C("opened", level="legation", when="1814-12-19/1815-07-20", implied=True, quote="On December 19, 1814, the U.S. "
        "accredited William Eustis to the Kingdom of the Netherlands, who presented his credentials on July 20, 1815.")]),
    ("netherlands", r"Netherlands Under French Control",
     [C("ended", when="1810", how="annexation", others=("FRA",), quote="the Netherlands was annexed to the French "
        "Empire")]),
    ("netherlands", r"Establishment of the Kingdom of the Netherlands",
     [C("began", when="1814", how="restoration", quote="the Dutch regained independence and full sovereignty")]),
    ("libya", r"Relations from 1980 to 2004",
     [C("note"), C("closed", level="embassy", when="1980-05-02", quote="the U.S. Embassy at Tripoli closed May 2, "
                                                                       "1980")]),
    ("libya", r"Elevation of Liaison Office to Embassy Status",
     [C("suspended", when="1980-02-08/1980-05-02", implied=True, quote="U.S. Chargé d’Affaires William Eagleton, Jr. "
        "was recalled February 8, 1980, and the U.S. Embassy at Tripoli closed May 2, 1980"),
      C("resumed"), C("changed", was="liaison-office", level="embassy")]),
    ("libya", r"United States Interests Section and Liaison Office Established",
     [C("opened", level="interests-section", when="2004-02-08"),
      C("changed", was="interests-section", level="liaison-office", when="2004-06-28")]),
    # Polities under another's control, and independent again.
    ("algeria", r"Algeria under French Control",
     [C("ended", when="1830", how="colonization", others=("FRA",), quote="Algerian self-rule ended with French "
        "conquest in 1830")]),
    ("algeria", r"U.S. Recognition of Algerian Independence",
     [C("began", when="1962-07-03", how="independence", others=("FRA",), quote="France recognized Algeria as an "
        "independent state on July 3, 1962"), C("recognized")]),
    ("libya", r"Tripoli/Libya under Ottoman and Italian Control",
     [C("ended", when="1835", how="annexation", others=("TUR",), quote="Tripolitan authority to conduct international "
        "relations ended when the Ottoman Empire chose to reassert its formerly nominal suzerainty over its Libyan "
        "provinces in 1835")]),
    ("libya", r"Tripolitan Recognition of the United States",
     [C("recognized", by=THEM, when="1796-11-04", quote="The Tripolitan government formally recognized U.S. "
        "independence by the signing of a peace treaty in Tripoli on November 4, 1796.")]),
    ("libya", r"U.S. Recognition of Libyan Independence",
     [C("began", when="1951-12-24", how="independence", quote="Libya declared its independence on this date"),
      C("recognized")]),
    ("morocco", r"Morocco Under French and Spanish Control",
     [C("ended", when="1912", how="protectorate", others=("FRA",), quote="In 1912, Morocco became a French "
        "protectorate.")]),
    ("morocco", r"U.S. Recognition of Moroccan Independence",
     [C("began", when="1956-03-02", how="independence", quote="the Franco-Moroccan declaration of March 2, wherein "
        "France had recognized Moroccan independence"), C("recognized", government="Kingdom of Morocco, independent "
                                                            "since 1956")]),
    ("morocco", r"Diplomatic Relations Reestablished and Establishment of American Embassy",
     [C("severed", when="1912/1917-10-20", implied=True, quote="the U.S. Government issued a statement recognizing "
        "the protectorate over Morocco on October 20, 1917, whereupon the U.S. Minister at Tangier was downgraded to "
        "the status of Diplomatic Agent"), C("reestablished"), C("opened", level="embassy", when="1956-06-11"),
      C("changed", was="legation", level="consulate-general", when="1956-06-11",
        quote="upon its establishment Legation Tangier was changed in status to a Consulate General")]),
    ("eritrea", r"Diplomatic Relations \| U.S. Recognition of Eritrean Independence",
     [C("established"), C("changed", was="consulate", level="embassy")]),
    ("cuba", r"Resumption of Diplomatic Relations and Reestablishment of the American Embassy in Cuba",
     [C("resumed"), C("changed", was="interests-section", level="embassy",
                      quote="both countries elevated their respective Interests Sections to Embassy status"),
      C("opened", by=THEM, level="embassy", quote="both countries elevated their respective Interests Sections to "
                                                   "Embassy status")]),
    ("poland", r"Termination of U.S. Mission to the Government of Poland in London",
     [C("closed", level="embassy", quote="The U.S. mission to the Government of Poland in London was terminated "
        "July 5, 1945.")]),
    ("germany", r"Division of Germany and the Establishment of Diplomatic Relations with the German Federal",
     [C("established"),
      C("recognized", government="Government of the German Federal Republic", when="1949-09-21/1955-05-06",
        implied=True, quote="the United States would “continue to give full support to the Government of the German "
        "Federal Republic at Bonn")]),
    ("two-sicilies", r"Cessation of Relations",
     [C("ended", when="1860/1861-03-17", how="annexation", others=("ITA",), quote="the Kingdom of the Two Sicilies "
        "ceased to exist, thanks to the work of Giuseppe Garibaldi who, in 1860, overthrew the Bourbon monarchs"),
      C("closed", level="legation", when="1860-11", quote="The U.S. closed its mission in Naples in November 1860.")]),
    ("texas", r"Cessation of Relations",
     [C("ended", when="1846-02-19", how="annexation", others=("USA",), quote="relations formally ended during the "
        "transfer of Texan sovereignty to the United States on February 19, 1846"),
      C("closed", level="legation", when="1845-08-09/1846-02-19", quote="Andrew J. Donelson, the last U.S. Chargé "
        "D’Affaires, left his post on or shortly after August 9, 1845")]),
    ("tonga", r"U.S. Recognition of Tongan Independence",
     [C("recognized", government="Kingdom of Tonga, independent since 1970")]),
    ("armenia", r"U.S. Recognition of Armenia, 1991", [C("recognized")]),
    ("estonia", r"American Legation established at Tallinn", [C("opened", level="legation", when="1930-06-30")]),
    ("hanseatic-republics", r"Mutual Acts of Recognition", [C("recognized", by=BOTH, when="1790-06-17")]),
    ("ethiopia", r"Ethiopian Legation Reopened", [C("opened", by=THEM, level="legation")]),
]
