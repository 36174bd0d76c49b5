"""German templates for the sample generator (all text written for this project).

Grammar note: the noun-phrase slots ({project}, {metric}, {facility}, {issue}) are feminine or
neuter singular and {group} is plural, so their nominative and accusative forms coincide; the
frames never put them after a preposition that takes the dative. Organisations come as
"nominative||genitive" ({org} / {org_of}).
"""

# Template text and data tables: long string literals are kept whole on purpose.
# ruff: noqa: E501

from __future__ import annotations

from datetime import datetime

from pipelines.samples.language import Boilerplate, LanguagePack, Role, Topic

MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
    "Oktober", "November", "Dezember",
)  # fmt: skip


def format_date(dt: datetime) -> str:
    return f"{dt.day}. {MONTHS[dt.month - 1]} {dt.year}"


def format_time(dt: datetime) -> str:
    return f"{dt.hour:02d}:{dt.minute:02d} Uhr"


def format_short_date(dt: datetime) -> str:
    return f"{dt.day}.{dt.month:02d}.{dt.year}"


def format_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def format_money(millions: int) -> str:
    if millions >= 1000 and millions % 100 == 0:
        return f"{millions / 1000:g} Milliarden Euro".replace(".", ",")
    return f"{millions} Millionen Euro"


TOPICS = {
    "transport": Topic(
        key="transport",
        headlines=(
            "{City}: [Startschuss für|Grünes Licht für] {project}",
            "{Project} in {city} kostet {amount}",
            "[Pendler|Anwohner] in {city} müssen sich auf [lange Bauzeit|Umleitungen] einstellen",
        ),
        leads=(
            "Der Stadtrat von {city} hat am {weekday} {project} beschlossen. Das Vorhaben soll {amount} kosten und in {months} Monaten fertig sein.",
            "{Org} hat am {weekday} angekündigt, dass {project} bis {next_year} in Betrieb gehen soll.",
        ),
        details=(
            "Die neue Strecke ist {km} Kilometer lang und erhält [neun|elf|vierzehn] zusätzliche Haltestellen.",
            "Nach Berechnungen der Planer soll {metric} um rund {pct} Prozent sinken.",
            "Täglich nutzen derzeit etwa {count} Menschen die [überfüllten|veralteten] Busse auf dieser Route.",
            "Aufträge im Wert von {amount2} hat {org2} bereits vergeben.",
            "An [mehreren|mindestens sechs] Kreuzungen sind [nächtliche Sperrungen|Sperrungen am Wochenende] geplant.",
            "Finanziert wird das Projekt zum Teil über einen regionalen Infrastrukturfonds.",
            "[Für die Bauzeit|Während der Arbeiten] richtet {org} [Ersatzbusse|einen Pendelverkehr] ein, die [alle zehn Minuten|im Viertelstundentakt] fahren.",
            "Die [Planfeststellung|Genehmigung] hatte sich wegen [eines Rechtsstreits|zahlreicher Einwendungen] um [fast zwei Jahre|mehrere Monate] verzögert.",
            "Künftig sollen die Bahnen [tagsüber|in der Hauptverkehrszeit] im [Fünf|Sieben]-Minuten-Takt verkehren.",
            "Rund {pct2} Prozent der Kosten übernimmt [der Bund|das Land], den Rest trägt die Stadt.",
        ),
        quotes=(
            "Das ist die größte Investition in den Nahverkehr seit einer Generation",
            "Die Bauarbeiten werden lästig, aber die Alternative wäre der tägliche Stau",
            "Wir haben einen Puffer von {pct} Prozent eingeplant, weil solche Projekte selten exakt nach Plan laufen",
        ),
        critic_quotes=(
            "Die Fahrgastzahlen in den Gutachten hat es auf keiner vergleichbaren Strecke je gegeben",
            "Niemand hat erklärt, wer die Betriebskosten bezahlt, wenn das Baugeld ausgegeben ist",
        ),
        vocab={
            "project": (
                "die Verlängerung der Straßenbahnlinie [Ost|Nord|West]",
                "die neue Stadtbahn [zum Flughafen|zur Universität]",
                "das Schnellbusnetz {stem}",
            ),
            "metric": (
                "die durchschnittliche Fahrzeit",
                "die Zahl der Staustunden",
                "die Belastung der Innenstadt",
            ),
            "facility": ("die Umsteigestation am Hauptbahnhof", "das [alte|zentrale] Busdepot"),
            "group": (
                "Pendlerinnen und Pendler",
                "Geschäftsleute entlang der Strecke",
                "Anwohnerinnen und Anwohner",
            ),
            "issue": (
                "die Lärmbelastung während der Bauzeit",
                "die Kostensteigerung",
                "die Finanzierung des Betriebs",
            ),
        },
        orgs=(
            "die Verkehrsgesellschaft {stem}||der Verkehrsgesellschaft {stem}",
            "die {stem} Bahnbau GmbH||der {stem} Bahnbau GmbH",
        ),
        roles1=(
            Role("Geschäftsführer {org_of}", "Geschäftsführerin {org_of}"),
            Role("Verkehrsdezernent von {city}", "Verkehrsdezernentin von {city}"),
        ),
        roles2=(
            Role("Verkehrsökonom am {stem2}-Institut", "Verkehrsökonomin am {stem2}-Institut"),
            Role("Sprecher des Fahrgastverbands", "Sprecherin des Fahrgastverbands"),
        ),
    ),
    "energy": Topic(
        key="energy",
        headlines=(
            "{Org} plant {project} bei {city}",
            "{City} setzt auf {project}",
            "Genehmigung für {project} trotz [Protesten|Bedenken]",
        ),
        leads=(
            "{Org} will bei {city} {project} bauen. Die Investition von {amount} soll Strom für rund {count} Haushalte liefern.",
            "Die Behörden haben {project} bei {city} am {weekday} endgültig genehmigt und damit einen [langen|monatelangen] Streit beendet.",
        ),
        details=(
            "Die Anlage soll eine Leistung von [120|240|310] Megawatt haben.",
            "Ein Batteriespeicher soll die Versorgung an windstillen Tagen und am Abend sichern.",
            "Die Turbinen liefert {org2}, der Auftrag hat ein Volumen von {amount2}.",
            "Laut Statistikamt ist {metric} seit {year} um {pct2} Prozent gestiegen.",
            "Während der Bauphase entstehen etwa {count2} Arbeitsplätze.",
            "Ein Teil der Einnahmen fließt in einen Fonds für Projekte in den umliegenden Gemeinden.",
            "Die [Gemeinden|Kommunen] im Umkreis erhalten [eine jährliche Abgabe|eine Beteiligung] von [0,2 Cent|0,3 Cent] je erzeugter Kilowattstunde.",
            "[Bürgerinnen und Bürger|Anwohner] können sich mit [Genossenschaftsanteilen|Sparbriefen] ab [250|500] Euro an dem Projekt beteiligen.",
            "Der Netzbetreiber [rechnet damit|geht davon aus], dass der Anschluss [frühestens|spätestens] {next_year} fertig ist.",
            "Bei einer Informationsveranstaltung [im Rathaus|in der Stadthalle] kamen [mehr als 300|rund 200] Besucher.",
        ),
        quotes=(
            "Günstiger, sauberer Strom von hier ist der beste Schutz vor dem nächsten Preisschock",
            "Wir haben das Projekt gemeinsam mit den Menschen vor Ort geplant",
            "Die Technik ist bereit, gebremst haben uns bisher vor allem die Genehmigungsverfahren",
        ),
        critic_quotes=(
            "Niedrigere Rechnungen wurden den Haushalten schon oft versprochen",
            "Ohne ein stärkeres Netz wird ein Teil dieses Stroms einfach abgeregelt",
        ),
        vocab={
            "project": (
                "einen Solarpark mit Batteriespeicher",
                "einen Windpark",
                "ein Wasserstoffwerk",
                "ein Fernwärmenetz",
            ),
            "metric": (
                "die durchschnittliche Stromrechnung",
                "die Stromnachfrage in der Region",
                "die Ökostromquote",
            ),
            "facility": ("das regionale Umspannwerk", "die Hochspannungsleitung im Norden"),
            "group": ("Anwohner der umliegenden Dörfer", "Landwirte", "Bürgerinitiativen"),
            "issue": (
                "die Belastung des Stromnetzes",
                "die Veränderung des Landschaftsbilds",
                "die Dauer der Genehmigungsverfahren",
            ),
        },
        orgs=(
            "die {stem} Energie AG||der {stem} Energie AG",
            "die Stadtwerke-Holding {stem}||der Stadtwerke-Holding {stem}",
        ),
        roles1=(
            Role("Vorstandschef {org_of}", "Vorstandschefin {org_of}"),
            Role(
                "Leiter der Sparte Erneuerbare {org_of}", "Leiterin der Sparte Erneuerbare {org_of}"
            ),
        ),
        roles2=(
            Role(
                "Energieexperte beim {stem2}-Forschungsinstitut",
                "Energieexpertin beim {stem2}-Forschungsinstitut",
            ),
            Role("Sprecher einer Bürgerinitiative", "Sprecherin einer Bürgerinitiative"),
        ),
    ),
    "health": Topic(
        key="health",
        headlines=(
            "{City}: Klinikum eröffnet {project}",
            "Wartezeiten in {city} sinken um {pct} Prozent",
            "Ärzte in {city} warnen vor [Engpässen|Überlastung]",
        ),
        leads=(
            "{Org} hat am {weekday} in {city} {project} eröffnet. Dort sollen jährlich bis zu {count} Patientinnen und Patienten behandelt werden.",
            "In {city} ist {metric} auf den höchsten Stand seit [zehn Jahren|Beginn der Aufzeichnungen] gestiegen.",
        ),
        details=(
            "Die neue Station hat [48|62|80] Betten und [vier|sechs] Operationssäle.",
            "Nach einer internen Auswertung ist {metric} im ersten Halbjahr um {pct2} Prozent gesunken.",
            "Größtes Problem bleibt das Personal: Jede [fünfte|siebte] Pflegestelle in der Region ist unbesetzt.",
            "Begleitet wird das Programm von {org2_of}, die die Ergebnisse über {months} Monate auswertet.",
            "Die Kosten von {amount2} trägt das Land über drei Jahre verteilt.",
            "Ein telefonischer Beratungsdienst soll zudem ländliche Gemeinden besser versorgen.",
            "[Patientinnen und Patienten|Erkrankte] mit leichteren Beschwerden werden künftig [über eine eigene Anlaufstelle|in einer Bereitschaftspraxis] versorgt.",
            "Das Land hat [zusätzliche Ausbildungsplätze|ein Stipendienprogramm] für [Pflegekräfte|Landärzte] angekündigt.",
            "[Im Winter|In der Grippesaison] waren die Notaufnahmen der Region [an mehreren Tagen|wochenlang] überlastet.",
            "Die Klinik will [digitale Terminvergabe|Videosprechstunden] ausbauen, um {metric} weiter zu senken.",
        ),
        quotes=(
            "Niemand soll einen halben Tag in der Notaufnahme warten müssen",
            "Wir haben auf das Personal gehört, das am Limit arbeitet",
            "Die ersten Ergebnisse sind ermutigend, die eigentliche Probe ist aber der Winter",
        ),
        critic_quotes=(
            "Neue Gebäude sind schön, aber ohne mehr Personal stehen sie halb leer",
            "Patienten auf dem Land fahren weiterhin stundenlang zum Facharzt",
        ),
        vocab={
            "project": (
                "eine neue Notaufnahme",
                "ein Zentrum für Krebsvorsorge",
                "eine Kinderstation",
            ),
            "metric": (
                "die Wartezeit auf einen Facharzttermin",
                "die Zahl der Notfallaufnahmen",
                "die Bettenauslastung",
            ),
            "facility": ("die Notaufnahme", "das Universitätsklinikum"),
            "group": ("chronisch Kranke", "Familien mit kleinen Kindern", "ältere Menschen"),
            "issue": (
                "die fehlenden Pflegekräfte",
                "die Überlastung der Notaufnahmen",
                "die lange Wartezeit auf Untersuchungen",
            ),
        },
        orgs=(
            "die Klinikgruppe {stem}||der Klinikgruppe {stem}",
            "die {stem}-Stiftung||der {stem}-Stiftung",
        ),
        roles1=(
            Role("Ärztlicher Direktor {org_of}", "Ärztliche Direktorin {org_of}"),
            Role("Chefarzt der Notaufnahme", "Chefärztin der Notaufnahme"),
        ),
        roles2=(
            Role("Vertreter der Pflegegewerkschaft", "Vertreterin der Pflegegewerkschaft"),
            Role(
                "Gesundheitsforscher am {stem2}-Institut",
                "Gesundheitsforscherin am {stem2}-Institut",
            ),
        ),
    ),
    "housing": Topic(
        key="housing",
        headlines=(
            "{City} plant {count} neue Wohnungen",
            "Mieten in {city} steigen um {pct} Prozent",
            "[Protest|Demonstration] gegen {issue} in {city}",
        ),
        leads=(
            "Der Stadtrat von {city} hat am {weekday} {project} beschlossen. Geplant sind rund {count} Wohnungen, ein Drittel davon gefördert.",
            "Die Mieten in {city} sind im vergangenen Jahr um {pct} Prozent gestiegen, so stark wie seit {year} nicht mehr.",
        ),
        details=(
            "Inzwischen verschlingt {metric} fast die Hälfte des Einkommens eines typischen Haushalts.",
            "Gebaut wird auf dem Gelände einer [alten Brauerei|stillgelegten Fabrik|früheren Kaserne].",
            "Die Bauarbeiten sollen im kommenden Jahr beginnen und bis {next_year} abgeschlossen sein.",
            "Im vergangenen Jahr wurden nur {count2} neue Wohnungen fertiggestellt, deutlich weniger als geplant.",
            "Geplant sind außerdem eine Schule, ein Ärztehaus und begrünte Innenhöfe.",
            "Die Stadt beziffert die Gesamtinvestition auf {amount}.",
            "[Ein Viertel|Ein Drittel] der Wohnungen soll [für Familien mit Kindern|barrierefrei] gebaut werden.",
            "Die Stadt [prüft|erwägt] zudem ein Vorkaufsrecht für Grundstücke in [angespannten|begehrten] Lagen.",
            "[Makler|Immobilienportale] melden für [Altbauwohnungen|Neubauwohnungen] Angebotsmieten von [14|16|18] Euro je Quadratmeter.",
            "[Für|Auf] {count2} [geförderte|preisgebundene] Wohnungen gab es im vergangenen Jahr [mehrere tausend|über 3.000] Bewerbungen.",
        ),
        quotes=(
            "Junge Familien verlassen die Stadt, weil sie keine Wohnung finden, und das muss aufhören",
            "Wir bauen für Pflegekräfte, Lehrerinnen und Busfahrer, also für die Menschen, die die Stadt am Laufen halten",
            "Der Markt allein wird das nicht lösen, die Stadt muss selbst bauen",
        ),
        critic_quotes=(
            "Auch eine geförderte Miete ist für viele hier zu hoch",
            "Jedes Jahr gibt es einen neuen Plan, und jedes Jahr steigen die Mieten weiter",
        ),
        vocab={
            "project": (
                "ein neues Stadtquartier am [Ostrand|Nordrand]",
                "die Bebauung des {stem}-Areals",
                "ein autofreies Wohnviertel am Fluss",
            ),
            "metric": ("die Miete", "die Wohnkostenbelastung", "die Nebenkostenabrechnung"),
            "facility": ("die ehemalige Güterhalle", "das alte Krankenhausgelände"),
            "group": ("Mieterinnen und Mieter", "junge Familien", "Studierende"),
            "issue": (
                "die steigende Miete",
                "die Verdrängung alteingesessener Mieter",
                "die Zweckentfremdung von Wohnungen",
            ),
        },
        orgs=(
            "die Wohnungsbaugesellschaft {stem}||der Wohnungsbaugesellschaft {stem}",
            "die {stem} Projektentwicklung GmbH||der {stem} Projektentwicklung GmbH",
        ),
        roles1=(
            Role("Baudezernent von {city}", "Baudezernentin von {city}"),
            Role("Geschäftsführer {org_of}", "Geschäftsführerin {org_of}"),
        ),
        roles2=(
            Role("Sprecher des Mietervereins", "Sprecherin des Mietervereins"),
            Role(
                "Immobilienökonom an der Hochschule {stem2}",
                "Immobilienökonomin an der Hochschule {stem2}",
            ),
        ),
    ),
    "environment": Topic(
        key="environment",
        headlines=(
            "{City} [beschließt|verabschiedet] Plan gegen {issue}",
            "Studie: {Metric} in {city} [deutlich gestiegen|alarmierend hoch]",
            "Grünes Licht für {project} in {city}",
        ),
        leads=(
            "{City} will in den kommenden {months} Monaten {amount} in {project} investieren. Damit reagiert die Stadt auf {issue}.",
            "Eine am {weekday} veröffentlichte Studie kommt zu dem Ergebnis, dass {metric} in {city} seit {year} deutlich gestiegen ist.",
        ),
        details=(
            "An {days} Tagen im vergangenen Jahr lag die Belastung über dem Grenzwert.",
            "Der Plan sieht vor, [12.000|25.000|40.000] Bäume zu pflanzen und neue Auen am Fluss anzulegen.",
            "Rund {pct} Prozent der Mittel kommen aus Förderprogrammen von Bund und EU.",
            "Forschende {org2_of} haben dafür zwei Jahre lang an [30|45|60] Stellen Proben genommen.",
            "Bis {next_year} soll die Belastung um {pct2} Prozent sinken.",
            "Vor der endgültigen Entscheidung ist eine Bürgerbeteiligung geplant.",
            "[Messstationen|Sensoren] an [stark befahrenen Straßen|Kreuzungen in der Innenstadt] liefern künftig [stündlich|alle zehn Minuten] Daten.",
            "Für [Lieferverkehr|Handwerksbetriebe] sind [Ausnahmen|Übergangsfristen] bis {next_year} vorgesehen.",
            "[Umweltverbände|Naturschützer] fordern, [die Maßnahmen schneller umzusetzen|auch die Industrie stärker in die Pflicht zu nehmen].",
            "Ein [Hochwasser|Starkregen] im Jahr {year} hatte [Schäden in Millionenhöhe|ganze Straßenzüge unter Wasser gesetzt] verursacht.",
        ),
        quotes=(
            "Wir können den Menschen diese Luft nicht noch zehn Jahre zumuten",
            "Die Natur ist der günstigste Hochwasserschutz, den wir haben",
            "Die Daten lassen keinen Zweifel daran, woher die Belastung kommt",
        ),
        critic_quotes=(
            "Die Ziele sind gut, aber für die späteren Jahre ist kein Geld eingeplant",
            "Bäume zu pflanzen ist leicht, sie durch trockene Sommer zu bringen nicht",
        ),
        vocab={
            "project": (
                "eine Umweltzone",
                "die Renaturierung des Flussufers",
                "ein Hochwasserschutzprogramm",
            ),
            "metric": (
                "die Feinstaubbelastung",
                "die Stickoxidbelastung",
                "die Menge an Mikroplastik im Fluss",
            ),
            "facility": ("die Innenstadt", "die Ringstraße"),
            "group": ("Anwohner", "Schulen und Sportvereine", "Umweltverbände"),
            "issue": (
                "die schlechte Luftqualität",
                "die wiederkehrende Überschwemmung",
                "das Verschwinden von Grünflächen",
            ),
        },
        orgs=(
            "die Umweltbehörde der Stadt||der Umweltbehörde der Stadt",
            "die {stem}-Naturschutzstiftung||der {stem}-Naturschutzstiftung",
        ),
        roles1=(
            Role("Umweltdezernent von {city}", "Umweltdezernentin von {city}"),
            Role("Leiter der Studie", "Leiterin der Studie"),
        ),
        roles2=(
            Role("Sprecher der Initiative Saubere Luft", "Sprecherin der Initiative Saubere Luft"),
            Role("Hydrologe am {stem2}-Institut", "Hydrologin am {stem2}-Institut"),
        ),
    ),
    "culture": Topic(
        key="culture",
        headlines=(
            "Besucherrekord beim {stem}-Festival in {city}",
            "{City}: {Facility} nach Sanierung wiedereröffnet",
            "{Project} lockt Tausende nach {city}",
        ),
        leads=(
            "Mehr als {count} Menschen haben am Wochenende {project} in {city} besucht, so viele wie nie zuvor.",
            "Nach {months} Monaten Sanierung ist {facility} in {city} am {weekday} wiedereröffnet worden. Die Arbeiten kosteten {amount}.",
        ),
        details=(
            "Das Programm umfasst [mehr als 200|rund 150] Veranstaltungen an [zwölf|fünfzehn] Spielorten.",
            "Der Kartenverkauf lag nach Angaben der Veranstalter um {pct} Prozent über dem Vorjahr.",
            "Bei der Sanierung kamen [Deckenmalereien|historische Fliesen] zum Vorschein, die jahrzehntelang verborgen waren.",
            "Die Hotels der Stadt meldeten eine Auslastung von fast {pct2} Prozent.",
            "Jedes Jahr sollen etwa {count2} Schulkinder an einem neuen Bildungsprogramm teilnehmen.",
            "Das Abschlusskonzert wird live im Regionalfernsehen übertragen.",
            "Der Eintritt ist für [Kinder und Jugendliche|Schulklassen] [frei|kostenlos], für Erwachsene kostet er [zwölf|15] Euro.",
            "[Ein neues Lichtkonzept|Eine moderne Bühnentechnik] [gehörte|gehört] zu den aufwendigsten Teilen der Sanierung.",
            "[Die Stadt|Der Förderverein] unterstützt das Programm mit [einem Zuschuss|einer Spende] von {amount2}.",
            "[Künstlerinnen und Künstler|Ensembles] aus [mehr als 20|rund 15] Ländern sind [beteiligt|eingeladen].",
        ),
        quotes=(
            "Wir wollten, dass sich auch Menschen, die nie ins Museum gehen, hier zu Hause fühlen",
            "Kultur ist für diese Stadt kein Luxus",
            "Die Resonanz hat alle unsere Erwartungen übertroffen",
        ),
        critic_quotes=(
            "Die Künstlerinnen und Künstler aus der Stadt können sich das Festival kaum noch leisten",
            "Das Geld hätte in den Stadtteilbibliotheken mehr bewirkt",
        ),
        vocab={
            "project": (
                "das {stem}-Jazzfestival",
                "die große Fotografie-Retrospektive",
                "das Straßentheaterfestival",
            ),
            "metric": ("die Besucherzahl", "die Zahl der Übernachtungen"),
            "facility": ("das Stadttheater", "die alte Konzerthalle", "das {stem}-Museum"),
            "group": ("Anwohner der Altstadt", "freie Galerien"),
            "issue": ("die steigenden Eintrittspreise", "die Kürzung der Fördermittel"),
        },
        orgs=(
            "die {stem}-Kulturstiftung||der {stem}-Kulturstiftung",
            "die Festival-Gesellschaft {stem}||der Festival-Gesellschaft {stem}",
        ),
        roles1=(
            Role("Intendant {org_of}", "Intendantin {org_of}"),
            Role("Kulturdezernent von {city}", "Kulturdezernentin von {city}"),
        ),
        roles2=(
            Role("Maler aus {city}", "Malerin aus {city}"),
            Role("Kulturkritiker", "Kulturkritikerin"),
        ),
    ),
}

VARIANTS = (
    (r"\bsagte\b", ("sagte", "erklärte", "betonte")),
    (r"\brund (?=\d)", ("rund ", "etwa ", "circa ")),
    (r"(\d) Prozent\b", (r"\1 Prozent", r"\1 %")),
    (r"\bdie Pläne\b", ("die Pläne", "die Vorhaben")),
    (r"\bim vergangenen Jahr\b", ("im vergangenen Jahr", "im Vorjahr", "voriges Jahr")),
    (r"\bmehr als\b", ("mehr als", "über")),
    (r"\bbereits\b", ("bereits", "schon")),
    (r"\bderzeit\b", ("derzeit", "aktuell", "zurzeit")),
    (r"\bgeplant\b", ("geplant", "vorgesehen")),
    (r"\bzudem\b", ("zudem", "außerdem")),
    (r"\bfast\b", ("fast", "beinahe", "nahezu")),
    (r"\bAnwohner\b", ("Anwohner", "Bewohner")),
    (r"\bStadtrat\b", ("Stadtrat", "Gemeinderat")),
    (r"\bProjekt\b", ("Projekt", "Vorhaben")),
)

PACK = LanguagePack(
    code="de",
    name="Deutsch",
    first_m=(
        "Jonas",
        "Lukas",
        "Felix",
        "Matthias",
        "Stefan",
        "Tobias",
        "Andreas",
        "Florian",
        "Jan",
        "Moritz",
        "Niklas",
        "Sebastian",
    ),
    first_f=(
        "Anna",
        "Katharina",
        "Lena",
        "Julia",
        "Sabine",
        "Miriam",
        "Johanna",
        "Franziska",
        "Theresa",
        "Carolin",
        "Nina",
        "Ulrike",
    ),
    last=(
        "Brenner",
        "Hollweg",
        "Kessler",
        "Lindner",
        "Marquardt",
        "Oberhauser",
        "Pfeiffer",
        "Reichelt",
        "Sauter",
        "Talheim",
        "Vogler",
        "Winterberg",
        "Zeller",
        "Gerlach",
        "Hunsinger",
        "Kramer",
        "Nussbaum",
        "Ostermann",
        "Rautenberg",
        "Eschweiler",
    ),
    feminine_last=lambda name: name,
    org_stems=(
        "Rheintal",
        "Nordstern",
        "Auenwald",
        "Hohenfels",
        "Lindenhof",
        "Steinbach",
        "Falkenried",
        "Wiesengrund",
        "Eichberg",
        "Kronau",
    ),
    topics=TOPICS,
    background=(
        "{City} hat rund [400.000|600.000|850.000] Einwohner und gehört zu den [größten|am schnellsten wachsenden] Städten in {country}.",
        "Das Vorhaben wurde bereits {year} vorgeschlagen, scheiterte damals aber an [der Finanzierung|Klagen|politischem Streit].",
        "Seit einem kritischen Bericht im vergangenen Jahr steht die Stadt unter Druck, zu handeln.",
        "Die Pläne sind Teil einer Strategie, mit der die Region bis {next_year} modernisiert werden soll.",
        "Die Opposition im Stadtrat hat den Zeitplan kritisiert und eine unabhängige Prüfung verlangt.",
        "[Die Stadt|Die Kommune] hatte [bereits {year}|vor einigen Jahren] ein [ähnliches|vergleichbares] Vorhaben [angekündigt|geprüft], [es dann aber verworfen|ohne dass etwas geschah].",
        "[Nach Angaben des Rathauses|Laut Stadtverwaltung] gingen zu dem Thema [zuletzt|allein in diesem Jahr] [mehr als 400|rund 250] [Beschwerden|Eingaben] ein.",
        "[Die Region|Das Umland] wächst [seit Jahren|seit über einem Jahrzehnt] [schneller als der Durchschnitt|kräftig], [vor allem durch Zuzug|nicht zuletzt wegen neuer Arbeitsplätze].",
    ),
    numbers=(
        "Die Gesamtkosten werden auf {amount} geschätzt, {amount2} davon sind bereits gebunden.",
        "Rund {count} Menschen sollen direkt profitieren, hieß es.",
        "In einer Umfrage unter {count2} Bürgerinnen und Bürgern sprachen sich {pct2} Prozent für die Pläne aus.",
        "Erste Ergebnisse erwartet die Stadt in {months} Monaten.",
        "[Pro Kopf|Je Einwohner] [entspricht das|bedeutet das] [rechnerisch|grob gerechnet] [knapp|gut] {pct2} Euro [im Jahr|jährlich].",
        "[Zum Vergleich|Vergleichsweise]: {year} lag der Wert [noch|erst] bei [rund|etwa] der Hälfte.",
    ),
    context=(
        "Auch andere Städte in {country} ringen mit ähnlichen Fragen.",
        "Fachleute gehen davon aus, dass andere Kommunen das Ergebnis genau verfolgen werden.",
        "Die Debatte spaltet den Stadtrat entlang bekannter Linien.",
        "Bürgerversammlungen zu dem Thema waren zuletzt regelmäßig überfüllt.",
        "Befürworter sehen in dem Plan ein Vorbild für andere Regionen.",
        "[Ähnliche|Vergleichbare] [Projekte|Pläne] in [Skandinavien|den Niederlanden|der Schweiz] gelten [vielen|Befürwortern] als [Vorbild|Beleg dafür, dass es funktionieren kann].",
        "[In sozialen Netzwerken|In Leserbriefen] wird das Thema [kontrovers|hitzig] diskutiert.",
        "[Wirtschaftsverbände|Unternehmerverbände] [fordern|verlangen] [mehr Planungssicherheit|verlässliche Zeitpläne].",
    ),
    outlook=(
        "Über den [zweiten|nächsten] Bauabschnitt soll [im Herbst|im kommenden Jahr] entschieden werden.",
        "{Org} will alle sechs Monate über den Fortschritt berichten.",
        "Der Stadtrat berät in seiner nächsten Sitzung über den Haushalt.",
        "{P2_last} kündigte an, den Druck aufrechtzuerhalten.",
        "Ob der Zeitplan hält, ist offen.",
        "[Eine erste Bilanz|Einen Zwischenbericht] will die Verwaltung [im Frühjahr|nach der Sommerpause] vorlegen.",
        "[Sollte der Zeitplan nicht halten|Bei weiteren Verzögerungen], [drohen Mehrkosten|könnten Fördermittel verfallen].",
    ),
    reactions=(
        "Nicht alle sind überzeugt. {P2}, {p2_role}, verwies auf {issue}.",
        "{P2}, {p2_role}, begrüßte die Entscheidung grundsätzlich, vermisst aber noch Details.",
        "{P3}, {p3_role}, nannte die Pläne [überfällig|einen Schritt in die richtige Richtung].",
        "Gegner haben bereits mehr als {count2} Unterschriften gesammelt.",
        "[Auch|Selbst] [Befürworter|Unterstützer] [räumen ein|geben zu], dass [noch viele Fragen offen sind|der Zeitplan ehrgeizig ist].",
        "{P3} sprach von einem [wichtigen Signal|guten Tag für die Stadt|überfälligen Schritt].",
    ),
    quote_forms=(
        "„{q}“, sagte {name}, {role}.",
        "„{q}“, so {last}.",
        "{name}, {role}, sagte: „{q}.“",
        "„{q}“, betonte {last}.",
    ),
    inserted=(
        "Dieser Artikel wurde um eine Stellungnahme ergänzt.",
        "{Group} hatten bereits im Frühjahr ähnliche Bedenken geäußert, wie {outlet} berichtete.",
        "Eine Anfrage an {org} blieb bis Redaktionsschluss unbeantwortet.",
    ),
    headline_edits=("{h} – Bericht", "Update: {h}", "{h} (aktualisiert)"),
    word_swaps=(
        (", sagte ", ", erklärte "),
        ("rund ", "etwa "),
        (" Prozent", " %"),
        ("Pläne", "Vorhaben"),
    ),
    byline="Von {authors}",
    and_word="und",
    dateline_forms=("{place} ({agency}) - ", "{place} ({agency}) – ", "{place} – "),
    scrape_published="{authors} Veröffentlicht am {date} | {time}",
    boiler=Boilerplate(
        sections=(
            "Startseite",
            "Politik",
            "Wirtschaft",
            "Lokales",
            "Sport",
            "Kultur",
            "Wissen",
            "Meinung",
            "Reise",
        ),
        advert="Anzeige",
        advert_texts=(
            "Jetzt Strom- und Gastarife vergleichen und sparen",
            "Digital-Abo: 4 Wochen kostenlos testen",
            "Ihr neuer Kombi ab 199 € im Monat",
        ),
        related="Mehr zum Thema",
        most_read="Meistgelesen",
        newsletter="Der Morgen-Newsletter: Die wichtigsten Nachrichten jeden Tag in Ihrem Postfach.",
        subscribe="Jetzt abonnieren",
        cookie="Wir verwenden Cookies, um Inhalte zu personalisieren und Werbung anzuzeigen. Mit der Nutzung stimmen Sie unserer Datenschutzerklärung zu.",
        accept="Alle akzeptieren",
        share=("Auf Facebook teilen", "Auf X teilen", "Per E-Mail senden", "Link kopieren"),
        read_also="Lesen Sie auch:",
        comments="{n} Kommentare",
        footer=("Impressum", "Datenschutz", "Kontakt", "Mediadaten", "AGB", "Karriere"),
        rights="© {year} {outlet}. Alle Rechte vorbehalten.",
        menu="Menü öffnen",
        scrape_tail=(
            "Artikel teilen",
            "Mehr zum Thema",
            "Kommentare",
            "Newsletter abonnieren",
            "Nach oben",
        ),
        tags="Schlagwörter:",
        photo="Foto: {name}",
        updated="Aktualisiert {time}",
        skip="Zum Inhalt springen",
        search="Suche",
        login="Anmelden",
        weather="Wetter: {t} °C, wolkig",
        editor_note="Hinweis der Redaktion: Dieser Beitrag erschien zuerst bei einem Partnermedium und wird von {outlet} übernommen.",
    ),
    format_date=format_date,
    format_time=format_time,
    format_short_date=format_short_date,
    format_number=format_number,
    format_money=format_money,
    variants=VARIANTS,
    weekdays=("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
)
