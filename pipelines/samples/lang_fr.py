"""French templates for the sample generator (all text written for this project).

Grammar note: noun-phrase slots carry their article and are only used where no "de"/"à"
contraction would be needed; organisations come as "nominative||genitive" ({org} / {org_of},
e.g. "le groupe X" / "du groupe X"). A no-break space precedes ; : ! ? and closes « ».
"""

# Template text and data tables: long string literals are kept whole on purpose.
# ruff: noqa: E501

from __future__ import annotations

from datetime import datetime

from pipelines.samples.language import Boilerplate, LanguagePack, Role, Topic

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip
NBSP = "\u00a0"


def format_date(dt: datetime) -> str:
    day = "1er" if dt.day == 1 else str(dt.day)
    return f"{day} {MONTHS[dt.month - 1]} {dt.year}"


def format_time(dt: datetime) -> str:
    return f"{dt.hour:02d}h{dt.minute:02d}"


def format_short_date(dt: datetime) -> str:
    return f"{dt.day:02d}/{dt.month:02d}/{dt.year}"


def format_number(n: int) -> str:
    return f"{n:,}".replace(",", NBSP)


def format_money(millions: int) -> str:
    if millions >= 1000 and millions % 100 == 0:
        return f"{millions / 1000:g} milliards d'euros".replace(".", ",")
    return f"{millions} millions d'euros"


TOPICS = {
    "transport": Topic(
        key="transport",
        headlines=(
            "{City}{nbsp}: feu vert pour {project}",
            "{Project} coûtera {amount} à {city}",
            "À {city}, les [riverains|usagers] se préparent à [des mois de travaux|de longues déviations]",
        ),
        leads=(
            "Le conseil municipal de {city} a approuvé {weekday} {project}, un chantier estimé à {amount} qui doit durer {months} mois.",
            "{Org} a annoncé {weekday} que {project} entrerait en service d'ici {next_year}.",
        ),
        details=(
            "Le tracé mesurera {km} kilomètres et comptera [neuf|onze|quatorze] nouvelles stations.",
            "Selon les études, {metric} devrait baisser d'environ {pct}{nbsp}%.",
            "Quelque {count} voyageurs empruntent chaque jour les bus [bondés|vétustes] de cet axe.",
            "Des contrats d'une valeur de {amount2} ont déjà été attribués à un consortium mené par {org2}.",
            "Des fermetures [nocturnes|le week-end] sont prévues sur plusieurs carrefours.",
            "Le financement provient en partie d'un fonds régional pour les infrastructures.",
            "[Des bus de substitution|Des navettes] circuleront [toutes les dix minutes|en continu] pendant la durée des travaux.",
            "[L'enquête publique|La procédure d'autorisation] avait été retardée de [près de deux ans|plusieurs mois] par [des recours|de nombreuses contestations].",
            "À terme, les rames passeront [toutes les cinq minutes|toutes les sept minutes] aux heures de pointe.",
            "[L'État|La région] prendra en charge environ {pct2}{nbsp}% du coût, le reste étant financé par la métropole.",
        ),
        quotes=(
            "C'est le plus gros investissement dans les transports publics depuis une génération",
            "Les travaux seront pénibles, mais l'alternative, c'est l'embouteillage permanent",
            "Nous avons prévu une marge de {pct}{nbsp}%, car ces chantiers dérapent rarement comme prévu",
        ),
        critic_quotes=(
            "Les prévisions de fréquentation ne correspondent à aucune ligne comparable",
            "Personne n'a expliqué comment seront payés les frais de fonctionnement",
        ),
        vocab={
            "project": (
                "le prolongement du tramway [est|nord]",
                "la nouvelle ligne de bus à haut niveau de service",
                "la future ligne de métro léger {stem}",
            ),
            "metric": ("le temps de trajet moyen", "la congestion aux heures de pointe"),
            "facility": ("la gare centrale", "le pôle d'échanges {stem}"),
            "group": ("les usagers", "les commerçants du centre", "les riverains"),
            "issue": (
                "le coût du chantier",
                "les nuisances sonores",
                "la suppression de places de stationnement",
            ),
        },
        orgs=(
            "la régie des transports {stem}||de la régie des transports {stem}",
            "le groupe {stem} Mobilité||du groupe {stem} Mobilité",
        ),
        roles1=(
            Role("directeur général {org_of}", "directrice générale {org_of}"),
            Role("adjoint aux transports de {city}", "adjointe aux transports de {city}"),
        ),
        roles2=(
            Role(
                "économiste des transports à l'institut {stem2}",
                "économiste des transports à l'institut {stem2}",
            ),
            Role(
                "président de l'association des usagers", "présidente de l'association des usagers"
            ),
        ),
    ),
    "energy": Topic(
        key="energy",
        headlines=(
            "{Org} lance {project} près de {city}",
            "{City} mise sur {project} pour [réduire les factures|sortir des énergies fossiles]",
            "Feu vert pour {project} malgré [l'opposition locale|les inquiétudes]",
        ),
        leads=(
            "{Org} a présenté {weekday} {project} aux portes de {city}, un investissement de {amount} censé alimenter environ {count} foyers.",
            "Les autorités ont définitivement autorisé {project} près de {city}, mettant fin à [un long|un] conflit sur l'usage des terres.",
        ),
        details=(
            "Le site affichera une puissance de [120|240|310] mégawatts.",
            "Un système de stockage par batteries doit lisser la production les jours sans vent.",
            "Les turbines seront fournies par {org2} dans le cadre d'un contrat de {amount2}.",
            "Selon l'institut de la statistique, {metric} a progressé de {pct2}{nbsp}% depuis {year}.",
            "Le chantier devrait créer environ {count2} emplois.",
            "Une partie des recettes alimentera un fonds destiné aux communes voisines.",
            "Les communes voisines percevront [une redevance annuelle|une part des recettes] pendant toute la durée d'exploitation.",
            "Les habitants pourront [investir dans le projet|prendre des parts] à partir de [250|500]{nbsp}euros grâce à un financement participatif.",
            "Le gestionnaire du réseau [prévoit|estime] un raccordement [au plus tôt|au plus tard] en {next_year}.",
            "Une réunion d'information [à la mairie|à la salle des fêtes] a réuni [plus de 300|quelque 200] personnes.",
        ),
        quotes=(
            "Une électricité propre et bon marché produite ici est notre meilleure protection contre la prochaine flambée des prix",
            "Nous avons conçu ce projet avec les habitants, pas contre eux",
            "La technologie est prête, ce sont les procédures qui nous ont freinés",
        ),
        critic_quotes=(
            "On a déjà promis des factures plus basses aux ménages, ils attendent toujours",
            "Sans un réseau renforcé, une partie de cette électricité sera tout simplement perdue",
        ),
        vocab={
            "project": (
                "une centrale solaire avec stockage",
                "un parc éolien terrestre",
                "une usine d'hydrogène",
                "un réseau de chaleur",
            ),
            "metric": (
                "la facture moyenne d'électricité",
                "la demande d'électricité",
                "la part des renouvelables",
            ),
            "facility": ("le poste électrique régional", "la ligne à haute tension"),
            "group": (
                "les habitants des villages voisins",
                "les agriculteurs",
                "les associations de riverains",
            ),
            "issue": (
                "la saturation du réseau",
                "l'impact sur le paysage",
                "la lenteur des procédures",
            ),
        },
        orgs=(
            "le groupe {stem} Énergie||du groupe {stem} Énergie",
            "la société {stem} Renouvelables||de la société {stem} Renouvelables",
        ),
        roles1=(
            Role("président {org_of}", "présidente {org_of}"),
            Role("directeur des renouvelables {org_of}", "directrice des renouvelables {org_of}"),
        ),
        roles2=(
            Role(
                "analyste de l'énergie au cabinet {stem2}",
                "analyste de l'énergie au cabinet {stem2}",
            ),
            Role(
                "porte-parole d'un collectif de riverains",
                "porte-parole d'un collectif de riverains",
            ),
        ),
    ),
    "health": Topic(
        key="health",
        headlines=(
            "{City}{nbsp}: l'hôpital inaugure {project}",
            "Les délais d'attente reculent de {pct}{nbsp}% à {city}",
            "À {city}, les médecins alertent sur {issue}",
        ),
        leads=(
            "{Org} a inauguré {weekday} {project} à {city}, qui pourra accueillir jusqu'à {count} patients par an.",
            "À {city}, {metric} a atteint son plus haut niveau depuis [dix ans|le début des relevés].",
        ),
        details=(
            "La nouvelle unité compte [48|62|80] lits et [quatre|six] blocs opératoires.",
            "Selon un bilan interne, {metric} a reculé de {pct2}{nbsp}% au premier semestre.",
            "Le recrutement reste le principal obstacle{nbsp}: un poste d'infirmier sur [cinq|sept] est vacant dans la région.",
            "Le programme sera évalué par {org2} pendant {months} mois.",
            "Le coût de {amount2} sera financé par l'agence régionale de santé sur trois ans.",
            "Une ligne de conseil téléphonique sera étendue aux communes rurales.",
            "Les patients souffrant de pathologies légères seront orientés vers [une maison médicale de garde|un accueil dédié].",
            "La région a annoncé [des places de formation supplémentaires|des bourses] pour [les infirmiers|les jeunes médecins].",
            "[L'hiver dernier|Pendant l'épidémie de grippe], les urgences de la région ont été saturées [plusieurs jours d'affilée|pendant des semaines].",
            "L'établissement veut développer [la prise de rendez-vous en ligne|les téléconsultations] pour réduire encore les délais.",
        ),
        quotes=(
            "Aucun patient ne devrait attendre une demi-journée aux urgences",
            "Nous avons écouté des équipes à bout de souffle",
            "Les premiers résultats sont encourageants, mais le vrai test sera l'hiver",
        ),
        critic_quotes=(
            "De nouveaux bâtiments, c'est bien, mais sans personnel ils resteront à moitié vides",
            "Les patients des zones rurales font toujours des heures de route pour voir un spécialiste",
        ),
        vocab={
            "project": (
                "une nouvelle unité d'urgences",
                "un centre de dépistage du cancer",
                "un service de pédiatrie",
            ),
            "metric": (
                "le délai d'attente pour un spécialiste",
                "le nombre de passages aux urgences",
                "le taux d'occupation des lits",
            ),
            "facility": ("le service des urgences", "le centre hospitalier universitaire"),
            "group": (
                "les malades chroniques",
                "les familles avec de jeunes enfants",
                "les personnes âgées",
            ),
            "issue": (
                "la pénurie d'infirmiers",
                "la saturation des urgences",
                "l'attente pour les examens d'imagerie",
            ),
        },
        orgs=(
            "le centre hospitalier {stem}||du centre hospitalier {stem}",
            "la fondation {stem}||de la fondation {stem}",
        ),
        roles1=(
            Role("directeur médical {org_of}", "directrice médicale {org_of}"),
            Role("chef du service des urgences", "cheffe du service des urgences"),
        ),
        roles2=(
            Role("représentant du syndicat infirmier", "représentante du syndicat infirmier"),
            Role(
                "chercheur en santé publique à l'institut {stem2}",
                "chercheuse en santé publique à l'institut {stem2}",
            ),
        ),
    ),
    "housing": Topic(
        key="housing",
        headlines=(
            "{City} prévoit {count} nouveaux logements",
            "Les loyers bondissent de {pct}{nbsp}% à {city}",
            "Manifestation contre {issue} à {city}",
        ),
        leads=(
            "Le conseil municipal de {city} a adopté {weekday} {project}, qui comprendra environ {count} logements, dont un tiers à loyer modéré.",
            "Les loyers ont augmenté de {pct}{nbsp}% en un an à {city}, la plus forte hausse depuis {year}.",
        ),
        details=(
            "Le logement absorbe désormais près de la moitié des revenus d'un ménage type.",
            "Le projet sera construit sur le site d'une [ancienne brasserie|usine désaffectée|ancienne caserne].",
            "Les travaux doivent débuter l'an prochain et s'achever d'ici {next_year}.",
            "Seuls {count2} logements ont été livrés l'an dernier, bien en deçà de l'objectif.",
            "Le programme prévoit aussi une école, une maison de santé et des cours végétalisées.",
            "La ville estime l'investissement total à {amount}.",
            "[Un quart|Un tiers] des logements seront [destinés aux familles|accessibles aux personnes à mobilité réduite].",
            "La ville [étudie|envisage] également un droit de préemption renforcé dans les quartiers [tendus|les plus recherchés].",
            "[Les agences|Les annonces en ligne] affichent des loyers de [14|16|18]{nbsp}euros le mètre carré pour [l'ancien|le neuf].",
            "Plusieurs milliers de dossiers ont été déposés l'an dernier pour {count2} logements sociaux.",
        ),
        quotes=(
            "Les jeunes familles quittent la ville faute de logement, et cela doit cesser",
            "Nous construisons pour les infirmières, les enseignants et les chauffeurs de bus",
            "Le marché seul ne réglera pas le problème, la ville doit construire",
        ),
        critic_quotes=(
            "Même un loyer modéré reste trop cher pour beaucoup d'habitants",
            "Chaque année on annonce un plan, et chaque année les loyers augmentent",
        ),
        vocab={
            "project": (
                "un nouveau quartier en bordure [est|nord] de la ville",
                "la reconversion de la friche {stem}",
                "un écoquartier sans voitures",
            ),
            "metric": ("le loyer moyen", "le prix au mètre carré"),
            "facility": ("une ancienne halle ferroviaire", "l'ancien site hospitalier"),
            "group": ("les locataires", "les jeunes familles", "les étudiants"),
            "issue": (
                "la hausse des loyers",
                "les expulsions",
                "la multiplication des locations touristiques",
            ),
        },
        orgs=(
            "l'office public de l'habitat {stem}||de l'office public de l'habitat {stem}",
            "le promoteur {stem} Immobilier||du promoteur {stem} Immobilier",
        ),
        roles1=(
            Role("adjoint à l'urbanisme de {city}", "adjointe à l'urbanisme de {city}"),
            Role("directeur général {org_of}", "directrice générale {org_of}"),
        ),
        roles2=(
            Role(
                "porte-parole de l'union des locataires", "porte-parole de l'union des locataires"
            ),
            Role(
                "économiste du logement à l'université {stem2}",
                "économiste du logement à l'université {stem2}",
            ),
        ),
    ),
    "environment": Topic(
        key="environment",
        headlines=(
            "{City} adopte un plan contre {issue}",
            "Étude{nbsp}: {metric} en forte hausse à {city}",
            "Feu vert pour {project} à {city}",
        ),
        leads=(
            "{City} va consacrer {amount} à {project} au cours des {months} prochains mois, en réponse à {issue}.",
            "Une étude publiée {weekday} montre que {metric} s'est nettement aggravée à {city} depuis {year}.",
        ),
        details=(
            "Les seuils réglementaires ont été dépassés {days} jours l'an dernier.",
            "Le plan prévoit de planter [12{nbsp}000|25{nbsp}000|40{nbsp}000] arbres et de recréer des zones humides le long du fleuve.",
            "Environ {pct}{nbsp}% du financement provient de programmes nationaux et européens.",
            "Des chercheurs de l'institut {stem2} ont prélevé des échantillons sur [30|45|60] sites pendant deux ans.",
            "La pollution devrait baisser de {pct2}{nbsp}% d'ici {next_year}.",
            "Une concertation publique est prévue avant l'adoption définitive.",
            "Des capteurs installés [le long des grands axes|aux principaux carrefours] publieront des mesures [chaque heure|en temps réel].",
            "Des dérogations sont prévues jusqu'en {next_year} pour [les livraisons|les artisans].",
            "[Les associations|Les défenseurs de l'environnement] réclament [un calendrier plus ambitieux|des contrôles plus stricts de l'industrie].",
            "Une crue survenue en {year} avait causé [des millions d'euros de dégâts|l'inondation de quartiers entiers].",
        ),
        quotes=(
            "Nous ne pouvons pas demander aux habitants de respirer cet air pendant dix ans de plus",
            "La nature est la protection contre les crues la moins chère dont nous disposons",
            "Les données ne laissent aucun doute sur l'origine de la pollution",
        ),
        critic_quotes=(
            "Les objectifs sont louables, mais aucun budget n'est prévu pour les dernières années",
            "Planter des arbres est facile, les faire survivre aux étés secs l'est beaucoup moins",
        ),
        vocab={
            "project": (
                "une zone à faibles émissions",
                "la renaturation des berges",
                "un programme de protection contre les crues",
            ),
            "metric": (
                "la pollution aux particules fines",
                "la concentration de dioxyde d'azote",
                "la pollution aux microplastiques",
            ),
            "facility": ("le centre historique", "la rocade"),
            "group": (
                "les riverains",
                "les écoles et les clubs sportifs",
                "les associations écologistes",
            ),
            "issue": (
                "la pollution de l'air",
                "la multiplication des inondations",
                "la disparition des espaces verts",
            ),
        },
        orgs=(
            "la direction de l'environnement de la ville||de la direction de l'environnement de la ville",
            "la fondation {stem} Nature||de la fondation {stem} Nature",
        ),
        roles1=(
            Role("adjoint à l'environnement de {city}", "adjointe à l'environnement de {city}"),
            Role("auteur principal de l'étude", "autrice principale de l'étude"),
        ),
        roles2=(
            Role("militant du collectif Air Pur", "militante du collectif Air Pur"),
            Role("hydrologue à l'institut {stem2}", "hydrologue à l'institut {stem2}"),
        ),
    ),
    "culture": Topic(
        key="culture",
        headlines=(
            "Record de fréquentation pour le festival {stem} à {city}",
            "{City}{nbsp}: {facility} rouvre après {amount} de travaux",
            "{Project} attire des milliers de visiteurs à {city}",
        ),
        leads=(
            "Plus de {count} personnes ont assisté ce week-end à {project} à {city}, un record selon les organisateurs.",
            "Après {months} mois de travaux, {facility} de {city} a rouvert ses portes {weekday}. La rénovation a coûté {amount}.",
        ),
        details=(
            "Le programme compte [plus de 200|environ 150] rendez-vous dans [douze|quinze] lieux.",
            "Selon les organisateurs, la billetterie a progressé de {pct}{nbsp}% par rapport à l'an dernier.",
            "La restauration a mis au jour des [fresques|carreaux anciens] cachés depuis des décennies.",
            "Les hôtels de la ville affichaient un taux de remplissage de près de {pct2}{nbsp}%.",
            "Un nouveau programme éducatif accueillera chaque année environ {count2} écoliers.",
            "Le concert de clôture sera retransmis en direct à la télévision régionale.",
            "L'entrée est gratuite pour [les moins de 18 ans|les scolaires] et coûte [douze|15]{nbsp}euros pour les adultes.",
            "[Le nouvel éclairage|La machinerie de scène] a constitué l'un des chantiers les plus délicats de la rénovation.",
            "[La ville|L'association des amis du lieu] soutient la programmation à hauteur de {amount2}.",
            "Des artistes venus de [plus de 20|quinze] pays [participent|sont invités] à cette édition.",
        ),
        quotes=(
            "Nous voulions que ceux qui ne vont jamais au musée se sentent ici chez eux",
            "La culture n'est pas un luxe pour cette ville",
            "L'accueil du public a dépassé toutes nos attentes",
        ),
        critic_quotes=(
            "Les artistes locaux n'ont plus les moyens de participer au festival créé pour eux",
            "Cet argent aurait été plus utile dans les bibliothèques de quartier",
        ),
        vocab={
            "project": (
                "l'édition anniversaire du festival de jazz {stem}",
                "une grande rétrospective de photographie",
                "la fête des arts de la rue",
            ),
            "metric": ("la fréquentation", "la billetterie"),
            "facility": ("le théâtre municipal", "l'ancienne salle de concert", "le musée {stem}"),
            "group": ("les habitants du centre", "les galeries indépendantes"),
            "issue": ("la hausse du prix des billets", "la baisse des subventions"),
        },
        orgs=(
            "la fondation culturelle {stem}||de la fondation culturelle {stem}",
            "l'association {stem} Festival||de l'association {stem} Festival",
        ),
        roles1=(
            Role("directeur artistique {org_of}", "directrice artistique {org_of}"),
            Role("adjoint à la culture de {city}", "adjointe à la culture de {city}"),
        ),
        roles2=(
            Role("peintre installé à {city}", "peintre installée à {city}"),
            Role("critique musical", "critique musicale"),
        ),
    ),
}

VARIANTS = (
    (r"\ba déclaré\b", ("a déclaré", "a affirmé", "a indiqué")),
    (r"\benviron (?=\d)", ("environ ", "quelque ", "près de ")),
    (r"\bl'an dernier\b", ("l'an dernier", "l'année dernière", "l'an passé")),
    (r"\bselon\b", ("selon", "d'après")),
    (r"\bSelon\b", ("Selon", "D'après")),
    (r"\bhabitants\b", ("habitants", "résidents")),
    (r"\bdevrait\b", ("devrait", "doit")),
    (r"\bprojet\b", ("projet", "chantier", "dossier")),
    (r"\bla ville\b", ("la ville", "la municipalité")),
    (r"\bestime\b", ("estime", "juge")),
)

PACK = LanguagePack(
    code="fr",
    name="Français",
    first_m=(
        "Julien",
        "Mathieu",
        "Antoine",
        "Nicolas",
        "Pierre",
        "Hugo",
        "Olivier",
        "Thibault",
        "Romain",
        "Bastien",
        "Yann",
        "Laurent",
    ),
    first_f=(
        "Camille",
        "Claire",
        "Élodie",
        "Léa",
        "Manon",
        "Sophie",
        "Juliette",
        "Aurélie",
        "Margaux",
        "Hélène",
        "Pauline",
        "Inès",
    ),
    last=(
        "Delorme",
        "Fontaine",
        "Garnier",
        "Lemaire",
        "Marchand",
        "Perrin",
        "Rousseau",
        "Vasseur",
        "Chevallier",
        "Bertrand",
        "Dufresne",
        "Lacombe",
        "Moreau",
        "Texier",
        "Aubry",
        "Besson",
        "Carrel",
        "Ferrand",
    ),
    feminine_last=lambda name: name,
    org_stems=(
        "Valmont",
        "Rochebrune",
        "Clairval",
        "Beaulieu",
        "Montfleury",
        "Haute-Rive",
        "Sainte-Aure",
        "Belcourt",
        "Villefranc",
        "Aubépine",
    ),
    topics=TOPICS,
    background=(
        "{City} compte environ [400{nbsp}000|600{nbsp}000|850{nbsp}000] habitants et figure parmi les villes les plus dynamiques du pays ({country}).",
        "Le projet avait été proposé dès {year}, mais il s'était heurté à [des recours|un désaccord sur le financement].",
        "Depuis la publication d'un rapport critique l'an dernier, la municipalité est sous pression.",
        "Ce plan s'inscrit dans une stratégie de modernisation du territoire à l'horizon {next_year}.",
        "L'opposition municipale a critiqué le calendrier et réclamé une expertise indépendante.",
        "[La municipalité|La ville] avait déjà [envisagé|étudié] un projet [similaire|comparable] en {year}, [avant d'y renoncer|sans suite].",
        "[Selon la mairie|D'après les services municipaux], [plus de 400|quelque 250] [plaintes|courriers] ont été reçus sur le sujet [cette année|depuis janvier].",
        "[L'agglomération|Le territoire] gagne des habitants [depuis des années|depuis plus d'une décennie], [notamment grâce à l'arrivée de jeunes actifs|porté par de nouveaux emplois].",
    ),
    numbers=(
        "Le coût total est estimé à {amount}, dont {amount2} déjà engagés.",
        "Environ {count} personnes devraient en bénéficier directement.",
        "Selon un sondage réalisé auprès de {count2} habitants, {pct2}{nbsp}% approuvent le projet.",
        "Les premiers résultats sont attendus d'ici {months} mois.",
        "[Rapporté au nombre d'habitants|Par habitant], cela représente [un peu moins de|un peu plus de] {pct2}{nbsp}euros [par an|chaque année].",
        "[À titre de comparaison|Pour comparaison], ce chiffre était [environ deux fois moindre|à peine moitié moins élevé] en {year}.",
    ),
    context=(
        "D'autres villes du pays sont confrontées aux mêmes questions.",
        "Les experts estiment que d'autres collectivités suivront de près le résultat.",
        "Le débat divise le conseil municipal selon des lignes bien connues.",
        "Les réunions publiques sur le sujet ont souvent fait salle comble.",
        "Ses partisans y voient un modèle pour d'autres régions.",
        "Des projets [similaires|comparables] menés [en Scandinavie|aux Pays-Bas|en Suisse] sont souvent cités en [exemple|modèle].",
        "Sur les réseaux sociaux, le sujet suscite des débats [vifs|passionnés].",
        "[Les organisations patronales|Les chambres consulaires] réclament [davantage de visibilité|un calendrier fiable].",
    ),
    outlook=(
        "Une décision sur la [deuxième|prochaine] phase est attendue [à l'automne|l'an prochain].",
        "{Org} a promis de publier un bilan tous les six mois.",
        "Le conseil municipal examinera le budget lors de sa prochaine séance.",
        "{P2_last} a promis de maintenir la pression.",
        "Reste à savoir si le calendrier sera tenu.",
        "Un premier bilan [doit être présenté|est attendu] [au printemps|après l'été].",
        "[En cas de nouveau retard|Si le calendrier dérape], [des surcoûts sont à craindre|certaines subventions pourraient être perdues].",
    ),
    reactions=(
        "Tout le monde n'est pas convaincu. {P2}, {p2_role}, pointe {issue}.",
        "{P2}, {p2_role}, salue la décision mais regrette le manque de détails.",
        "{P3}, {p3_role}, juge ces mesures [attendues depuis longtemps|bienvenues].",
        "Les opposants ont déjà recueilli plus de {count2} signatures.",
        "Même [ses partisans|les soutiens du projet] [reconnaissent|admettent] que [beaucoup de questions restent ouvertes|le calendrier est ambitieux].",
        "{P3} a salué [un signal important|une bonne nouvelle pour la ville|une étape attendue].",
    ),
    quote_forms=(
        "«{nbsp}{q}{nbsp}», a déclaré {name}, {role}.",
        "«{nbsp}{q}{nbsp}», souligne {last}.",
        "{name}, {role}, l'affirme{nbsp}: «{nbsp}{q}{nbsp}».",
        "«{nbsp}{q}{nbsp}», estime {last}.",
    ),
    inserted=(
        "Cet article a été mis à jour avec une réaction officielle.",
        "{Group} avaient déjà exprimé des inquiétudes similaires au printemps, selon {outlet}.",
        "{Org} n'avait pas répondu à nos sollicitations à l'heure où nous publions.",
    ),
    headline_edits=("{h} – le point", "Mise à jour{nbsp}: {h}", "{h} (actualisé)"),
    word_swaps=((", a déclaré ", ", a affirmé "), ("environ ", "quelque "), ("projet", "chantier")),
    byline="Par {authors}",
    and_word="et",
    dateline_forms=("{place} ({agency}) - ", "{place}, {date} ({agency}) – ", "{place} – "),
    scrape_published="{authors} Publié le {date} à {time}",
    boiler=Boilerplate(
        sections=(
            "Accueil",
            "Politique",
            "Économie",
            "International",
            "Société",
            "Sports",
            "Culture",
            "Idées",
            "Météo",
        ),
        advert="Publicité",
        advert_texts=(
            "Comparez les offres d'énergie et économisez",
            "Abonnez-vous pour 1{nbsp}€ le premier mois",
            "Nouveau SUV hybride{nbsp}: découvrez l'offre",
        ),
        related="À lire aussi",
        most_read="Les plus lus",
        newsletter="Recevez chaque matin l'essentiel de l'actualité. Inscrivez-vous à notre lettre d'information.",
        subscribe="S'abonner",
        cookie="Nous utilisons des cookies pour personnaliser les contenus et mesurer l'audience. En poursuivant, vous acceptez notre politique de confidentialité.",
        accept="Tout accepter",
        share=("Partager sur Facebook", "Partager sur X", "Envoyer par e-mail", "Copier le lien"),
        read_also="Lire aussi{nbsp}:",
        comments="{n} commentaires",
        footer=(
            "Mentions légales",
            "Confidentialité",
            "Contact",
            "Publicité",
            "CGU",
            "Recrutement",
        ),
        rights="© {year} {outlet}. Tous droits réservés.",
        menu="Ouvrir le menu",
        scrape_tail=(
            "Partager l'article",
            "Sur le même sujet",
            "Commentaires",
            "S'abonner à la newsletter",
            "Haut de page",
        ),
        tags="Mots-clés{nbsp}:",
        photo="Photo{nbsp}: {name}",
        updated="Mis à jour à {time}",
        skip="Aller au contenu",
        search="Rechercher",
        login="Se connecter",
        weather="Météo{nbsp}: {t}{nbsp}°C, nuageux",
        editor_note="Note de la rédaction{nbsp}: cet article a d'abord été publié par un média partenaire et est repris par {outlet}.",
    ),
    format_date=format_date,
    format_time=format_time,
    format_short_date=format_short_date,
    format_number=format_number,
    format_money=format_money,
    variants=VARIANTS,
    weekdays=("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    extra={"nbsp": NBSP},
)
