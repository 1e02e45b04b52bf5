"""Who the guide's articles are about, and the headings whose words the general reading gets wrong.

Historical polities are entities of their own, with the codes the state-system import gives them
(``COW245`` Bavaria, ``COW329`` the Two Sicilies, ``COW4`` Hawaii, ``COW265`` the German Democratic
Republic…) and, where it has none, a short code of their own (``SARDINIA``, ``CONGOFREESTATE``).
An article about several polities sends each heading to the one it names: the China article gives
the Qing dynasty (``QING``), the Republic of China (``TWN``) and the People's Republic (``CHN``); the
Yemen article North, South and united Yemen; the Vietnam article the Republic of Vietnam and Vietnam.

``READINGS`` lists what a heading says where its words alone mislead (a "resumption" that is the
first establishment with a new state, a "cessation of relations" that is the polity's own end),
and the lives of the polities as the guide dates them, each with the guide's words.
"""

from __future__ import annotations

from api.importers.guide_claims import THEM, C, Claim

OWN: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "austrian-empire": ("COW300", "Austrian Empire", ("Austria-Hungary", "Habsburg Empire")),
    "baden": ("COW267", "Baden", ("Grand Duchy of Baden",)),
    "bavaria": ("COW245", "Bavaria", ("Kingdom of Bavaria",)),
    "brunswick-luneburg": ("COW244", "Brunswick", ("Brunswick and Lüneburg", "Duchy of Brunswick")),
    "central-american-federation": ("COW89", "Central American Federation",
                                    ("Federation of Central American States", "Federation of the Centre of America")),
    "china": ("CHN", "People's Republic of China", ("China", "PRC")),
    "congo-free-state": ("CONGOFREESTATE", "Congo Free State", ("Independent State of the Congo",)),
    "czechoslovakia": ("COW315", "Czechoslovakia", ()),
    "federal-government-germany": ("GERMANFED", "Federal Government of Germany (1848–49)", ("German Federation",)),
    "genoa": ("GENOA", "Republic of Genoa", ("Genoa",)),
    "german-democratic-republic": ("COW265", "German Democratic Republic", ("East Germany", "GDR")),
    "grand-duchy-tuscany": ("COW337", "Tuscany", ("Grand Duchy of Tuscany",)),
    "hanover": ("COW240", "Hanover", ("Kingdom of Hanover",)),
    "hanseatic-republics": ("HANSEATIC", "Hanseatic Republics", ("Bremen, Hamburg and Lübeck",)),
    "hawaii": ("COW4", "Hawaii", ("Kingdom of Hawaii",)),
    "hesse": ("COW275", "Hesse", ("Grand Duchy of Hesse", "Hesse-Darmstadt")),
    "kingdom-of-yugoslavia": ("COW345", "Yugoslavia", ("Serbia", "Kingdom of Serbia", "Kingdom of Yugoslavia")),
    "korea": ("COW730", "Korea", ("Kingdom of Choson",)),
    "kosovo": ("XKX", "Kosovo", ()),
    "lew-chew": ("LEWCHEW", "Lew Chew", ("Ryukyu Kingdom", "Loochoo")),
    "mecklenburg-schwerin": ("COW280", "Mecklenburg-Schwerin", ()),
    "mecklenburg-strelitz": ("COW253", "Mecklenburg-Strelitz", ()),
    "micronesia": ("FSM", "Micronesia", ("Federated States of Micronesia",)),
    "nassau": ("COW254", "Nassau", ("Duchy of Nassau",)),
    "north-german-confederation": ("NORTHGERMANCONF", "North German Confederation", ("North German Union",)),
    "north-german-union": ("NORTHGERMANCONF", "North German Confederation", ("North German Union",)),
    "oldenburg": ("COW257", "Oldenburg", ("Duchy of Oldenburg",)),
    "orange-free-state": ("COW564", "Orange Free State", ()),
    "papal-states": ("COW327", "Pontifical States (Papal States)", ("Papal States", "Pontifical States")),
    "parma": ("COW335", "Parma", ("Duchy of Parma",)),
    "piedmont-sardinia": ("SARDINIA", "Piedmont-Sardinia", ("Kingdom of Sardinia", "Kingdom of Piedmont-Sardinia")),
    "schaumburg-lippe": ("COW274", "Schaumburg-Lippe", ()),
    "serbia": ("COW345", "Yugoslavia", ("Serbia",)),
    "soviet-union": ("RUS", "Russia", ("Soviet Union", "USSR")),
    "texas": ("COW7", "Texas", ("Republic of Texas",)),
    "two-sicilies": ("COW329", "Two Sicilies", ("Kingdom of the Two Sicilies",)),
    "vietnam": ("VNM", "Vietnam", ("Socialist Republic of Vietnam",)),
    "wurttemberg": ("COW271", "Württemberg", ("Kingdom of Württemberg",)),
    "yemen": ("YEM", "Yemen", ("Republic of Yemen",)),
}
"""Articles whose entity is not found by name in the COW list and the COW→ISO table, or is found wrongly."""

OTHERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "QING": ("Qing dynasty", ("Empire of China", "Qing Empire")),
    "TWN": ("Republic of China (Taiwan)", ("Republic of China", "Taiwan", "ROC")),
    "ITA": ("Italy", ("Kingdom of Italy",)),
    "DEU": ("Germany", ("German Empire", "Federal Republic of Germany")),
    "COW136": ("Peru-Bolivian Confederation", ()),
    "COW678": ("Yemen Arab Republic", ("North Yemen", "Kingdom of Yemen")),
    "COW680": ("People's Democratic Republic of Yemen", ("South Yemen", "People's Republic of Southern Yemen")),
    "COW817": ("Republic of Vietnam", ("South Vietnam", "State of Vietnam")),
    "MALIFED": ("Federation of Mali", ()),
    "ARMENIA1918": ("Armenian Republic (1918–1920)", ("First Republic of Armenia",)),
    "EGY": ("Egypt", ("United Arab Republic",)),
    "SYR": ("Syria", ()),
    "SEN": ("Senegal", ()),
    "MLI": ("Mali", ()),
    "BEL": ("Belgium", ()),
}
"""Entities the guide names that no article is about, or that headings of another article concern."""

ROUTES: dict[str, list[tuple[str, str]]] = {
    "china": [(r"^(?:18|190|1910|1911)", "QING"), (r"^(?:191[2-9]|19[2-6]|1970|1971|1972)", "TWN")],
    "vietnam": [(r"^(?:19[5-6]|197[0-5])", "COW817")],
    "yemen": [(r"South(?:ern)? Yemen|People’s Democratic|Aden", "COW680"),
              (r"North(?:ern)? Yemen|Kingdom of Yemen|Yemen Arab Republic|San’a|Taiz", "COW678")],
    "germany": [(r"German Democratic Republic|East Germany", "COW265")],
    "mali": [(r"Federation of Mali", "MALIFED")],
    "guatemala": [(r"Federation|^1824 Establishment of Diplomatic Relations", "COW89")],
    "nicaragua": [(r"Federation", "COW89")],
    "peru": [(r"Peru-Bolivian", "COW136")],
    "*": [(r"Italian Independence|Kingdom of Italy", "ITA"), (r"Joins? the German Empire|^German Empire, 1871", "DEU")],
}
"""Where a heading's party is not the article's: a pattern on its text (for China and Vietnam, on its
years), and the party's code. ``*``: in every article."""

_EMPIRE = "proclaimed on January 18, 1871"
_ITALY = C("began", party="ITA", when="1861-03-17", how="unification", others=("SARDINIA",),
           quote="the new Kingdom of Italy was proclaimed on March 17, 1861")
_JOINED_NGC = C("ended", how="unification", others=("NORTHGERMANCONF",))


def _joined_empire(party: str | None = None) -> list[Claim]:
    return [C("ended", when="1871-01-18", how="unification", others=("DEU",), quote=_EMPIRE)]


READINGS: list[tuple[str, str, list[Claim]]] = [
    # The German states: an end where each joins the German Empire (or, before, the North German
    # Confederation, which then speaks for it); a member of the Confederation joining the Empire is
    # the Empire's note.
    ("bavaria|baden|wurttemberg|hesse", r"Joins the German Empire", _joined_empire()),
    ("brunswick-luneburg|mecklenburg|oldenburg|schaumburg-lippe", r"Joins? the North German", [_JOINED_NGC]),
    ("hanseatic-republics", r"Join the North German", [_JOINED_NGC]),
    ("brunswick-luneburg|mecklenburg|oldenburg|schaumburg-lippe|hanseatic-republics", r"German Empire, 1871",
     [C("note", party="DEU")]),
    ("hanover|nassau", r"The Austro-Prussian War of 1866",
     [C("ended", when="1866", how="annexation", others=("DEU",), quote="enabled the Kingdom of Prussia to absorb")]),
    ("hanseatic-republics", r"Recognition between the U.S. and Bremen", [C("note")]),
    ("north-german-(?:confederation|union)", r"U.S. Recognition of the North German Confederation",
     [C("began", when="1867-07-01", quote="Following the establishment of the North German Confederation on July 1, "
        "1867"),
      C("recognized", when="1867-12-09", quote="This exchange between Seward and Bancroft implicitly signified a "
        "formal recognition of the North German Confederation by the United States.")]),
    ("north-german-(?:confederation|union)", r"Cessation of Diplomatic Relations",
     [C("ended", when="1871", how="unification", others=("DEU",), quote="When the North German Union was abolished "
        "by the creation of the German Empire in 1871")]),
    ("germany", r"Establishment of Diplomatic Relations with the German Empire",
     [C("recognized", when="1871-01-18/1871-04-08", government="German Empire", quote="the United States recognized "
        "the new German Empire by changing the accreditation of its Minister to Prussia to become Minister to the "
        "German Empire")]),
    ("germany", r"Establishment of Diplomatic Relations with Prussia",
     [C("established", when="1797-12-05", quote="During a private audience on December 5, however, the new king, "
        "Frederick William III, formally recognized Adams as the accredited U.S. Minister to his father.")]),
    ("germany", r"International Recognition of Reunified Germany",
     [C("note", when="1990-09-12", quote="a Treaty on the Final Settlement with Respect to Germany (the so-called "
        "“Two Plus Four Agreement”) was signed in Moscow on September 12, 1990"),
      C("closed", party="COW265", level="embassy", when="1990-10-02",
        quote="it closed its embassy in Berlin on October 2, 1990"),
      C("ended", party="COW265", when="1990-08-31/1990-12-31", how="merger", others=("DEU",), implied=True,
        quote="the five constituent federal states of the German Democratic Republic were technically absorbed by the "
        "Federal Republic of Germany")]),
    ("german-democratic-republic", r"Division of Germany",
     [C("began", when="1949-10-07", how="partition", others=("DEU",), quote="The Soviets then oversaw the creation "
        "of the German Democratic Republic (GDR, commonly known as East Germany) out of their zone of occupation on "
        "October 7, 1949."), C("note")]),
    ("german-democratic-republic", r"Establishment of Diplomatic Relations with East Germany",
     [C("established", when="1974-09-04", quote="the establishment of diplomatic relations, which occurred on "
        "September 4, 1974"), C("opened", level="embassy")]),
    ("federal-government-germany", r"Termination of Diplomatic Relations", [C("severed", when="1849-11-02")]),
    # Italy and the Italian states.
    ("genoa|grand-duchy-tuscany|parma|papal-states|two-sicilies", r"Proclamation of the Kingdom of Italy", [_ITALY]),
    ("piedmont-sardinia", r"Proclamation of the Kingdom of Italy", [_ITALY]),
    ("piedmont-sardinia", r"Cessation of Relations, 1861",
     [C("ended", when="1861-03-17", how="unification", others=("ITA",), quote="When the King of Piedmont-Sardinia, "
        "Victor Emmanuel II, was proclaimed King of Italy on March 17, 1861")]),
    ("piedmont-sardinia", r"Expansion of Relations, 1839",
     [C("established", when="1839-02-07", quote="The United States established full diplomatic relations with "
        "Piedmont-Sardinia on February 7, 1839")]),
    ("genoa", r"Incorporation of the Republic of Genoa",
     [C("ended", when="1815", how="annexation", others=("SARDINIA",), quote="Genoa was given to the Kingdom of "
        "Piedmont-Sardinia in 1815")]),
    ("parma", r"Cessation of Diplomatic Relations",
     [C("ended", when="1860", how="annexation", others=("SARDINIA",), quote="up to the incorporation of that Duchy "
        "into Piedmont-Sardinia in 1860")]),
    ("papal-states", r"Incorporation of Rome",
     [C("ended", when="1870-10", how="annexation", others=("ITA",), quote="through the backing of a plebiscite held "
        "in early October, annexed the Papal States and Rome to the Kingdom of Italy")]),
    ("italy", r"Establishment of American Legations in the Italian Peninsula",
     [C("opened", party="COW329", level="legation", when="1831", quote="In 1831 the United States established a "
        "legation to the Two Sicilies at Naples in 1831")]),
    ("italy", r"Legation of the Kingdom of Sardinia becomes", [C("opened", by=THEM, level="legation")]),
    ("austrian-empire", r"U.S. Consulates in Venice",
     [C("note"), C("ended", when="1918", how="dissolution", others=("AUT", "HUN", "COW315"),
                   quote="Trieste was part of the Austrian Empire until its breakup in 1918")]),
    ("austria", r"The Anschluss",
     [C("ended", when="1938-03", how="annexation", others=("DEU",), quote="Nazi Germany annexed Austria in March 1938"),
      C("closed", level="legation", when="1938-04-30", quote="He closed the Legation on April 30, 1938"),
      C("began", when="1945-05-14", how="restoration", quote="a Democratic Republic of Austria was proclaimed on "
        "May 14")]),
    ("austria", r"Re-establishment of Diplomatic Relations, 1946",
     [C("severed", when="1938-03/1938-04-30", implied=True, quote="He closed the Legation on April 30, 1938, and it "
        "became a Consulate General"), C("reestablished")]),
    # Polities that ended, as the guide dates it.
    ("hawaii", r"Cessation of Relations",
     [C("ended", when="1898-08-12", how="annexation", others=("USA",), quote="Hawaiian independence ended with the "
        "formal U.S. annexation of Hawaii on August 12, 1898"), C("closed", level="legation", when="1898-08-12")]),
    ("congo-free-state", r"Demise of Congo Free State",
     [C("ended", when="1908-11-15", how="annexation", others=("BEL",), quote="the Congo Free State was annexed as a "
        "colony by Belgium on November 15, 1908")]),
    ("korea", r"Diplomatic Relations Ended",
     [C("severed", when="1905-11-17", quote="Japan assumed direction of Korean foreign relations on November 17, 1905"),
      C("closed", level="legation", when="1905-11-28")]),
    ("armenia", r"U.S. Recognition of the Armenian Republic",
     [C("recognized", party="ARMENIA1918"),
      C("ended", party="ARMENIA1918", when="1920-04-23/1920-12-31", quote="By the end of 1920 the Armenian Republic "
        "had ceased to exist as an independent state")]),
    ("montenegro", r"Recognition of Independent Montenegro Withdrawn",
     [C("withdrawn", when="1920-12-30")]),
    ("montenegro", r"Diplomatic Relations Ended",
     [C("severed", when="1920-12-30"),
      C("ended", when="1918", how="merger", others=("COW345",), quote="Serbian leaders quickly convoked a “National "
        "Assembly” that voted to depose King Nikola and merge Montenegro into the Kingdom of Serbs, Croats, and "
        "Slovenes")]),
    ("montenegro", r"United States Recognition of Montenegro, 2006",
     [C("began", when="2006-06-03", how="independence", others=("COW345",),
        quote="until declaring independence on June 3, 2006"), C("recognized")]),
    ("mali", r"U.S. Recognition of Mali’s Independence", [C("recognized", party="MALIFED")]),
    ("mali", r"U.S. Recognition of the Republic of Mali",
     [C("ended", party="MALIFED", when="1960-08-20", how="dissolution", others=("SEN", "MLI"), quote="The Republic "
        "of Senegal had withdrawn from the Federation of Mali on August 20, 1960"), C("recognized")]),
]
