"""Spanish templates for the sample generator (all text written for this project).

Grammar note: noun-phrase slots carry their article and are never placed after "de" or "a"
when they could start with "el"; organisations come as "nominative||genitive" ({org} /
{org_of}, e.g. "el grupo X" / "del grupo X").
"""

# Template text and data tables: long string literals are kept whole on purpose.
# ruff: noqa: E501

from __future__ import annotations

from datetime import datetime

from pipelines.samples.language import Boilerplate, LanguagePack, Role, Topic

MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
    "octubre", "noviembre", "diciembre",
)  # fmt: skip


def format_date(dt: datetime) -> str:
    return f"{dt.day} de {MONTHS[dt.month - 1]} de {dt.year}"


def format_time(dt: datetime) -> str:
    return f"{dt.hour:02d}:{dt.minute:02d}"


def format_short_date(dt: datetime) -> str:
    return f"{dt.day} {MONTHS[dt.month - 1][:3]} {dt.year}"


def format_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def format_money(millions: int) -> str:
    if millions >= 1000 and millions % 100 == 0:
        return f"{millions / 1000:g} mil millones de euros".replace(".", ",")
    return f"{millions} millones de euros"


TOPICS = {
    "transport": Topic(
        key="transport",
        headlines=(
            "{City} aprueba {project}",
            "{Project} costará {amount}",
            "Los [vecinos|usuarios] de {city} se preparan para [meses de obras|largos desvíos]",
        ),
        leads=(
            "El ayuntamiento de {city} aprobó el {weekday} {project}, una obra de {amount} que durará {months} meses.",
            "{Org} anunció el {weekday} que {project} entrará en servicio antes de {next_year}.",
        ),
        details=(
            "El trazado tendrá {km} kilómetros y [nueve|once|catorce] nuevas paradas.",
            "Según los estudios, {metric} se reducirá en torno a un {pct} %.",
            "Unas {count} personas utilizan cada día los autobuses [saturados|antiguos] de este eje.",
            "Ya se han adjudicado contratos por valor de {amount2} a un consorcio liderado por {org2}.",
            "Habrá cortes de tráfico [nocturnos|los fines de semana] en varios cruces.",
            "La financiación procede en parte de un fondo regional de infraestructuras.",
            "Durante las obras funcionarán [autobuses lanzadera|líneas de refuerzo] con una frecuencia de [diez minutos|un cuarto de hora].",
            "La tramitación se retrasó [casi dos años|varios meses] por [recursos judiciales|las alegaciones vecinales].",
            "Cuando esté terminada, los convoyes pasarán cada [cinco|siete] minutos en hora punta.",
            "[El Estado|La comunidad autónoma] financiará en torno al {pct2} % del coste y el resto correrá a cargo del ayuntamiento.",
        ),
        quotes=(
            "Es la mayor inversión en transporte público en una generación",
            "Las obras serán molestas, pero la alternativa es el atasco permanente",
            "Hemos previsto un margen del {pct} % porque estas obras rara vez salen exactamente según lo previsto",
        ),
        critic_quotes=(
            "Las previsiones de viajeros no se parecen a ninguna línea comparable",
            "Nadie ha explicado cómo se pagarán los costes de explotación",
        ),
        vocab={
            "project": (
                "la ampliación del tranvía [este|norte]",
                "la nueva línea de metro ligero {stem}",
                "la nueva línea de autobús rápido",
            ),
            "metric": ("la duración media del trayecto", "la congestión en hora punta"),
            "facility": ("la estación central", "la terminal de autobuses {stem}"),
            "group": ("los usuarios", "los comerciantes del centro", "los vecinos"),
            "issue": (
                "el coste de la obra",
                "el ruido de las obras",
                "la pérdida de plazas de aparcamiento",
            ),
        },
        orgs=(
            "la empresa municipal de transportes {stem}||de la empresa municipal de transportes {stem}",
            "el grupo {stem} Movilidad||del grupo {stem} Movilidad",
        ),
        roles1=(
            Role("director general {org_of}", "directora general {org_of}"),
            Role("concejal de Movilidad de {city}", "concejala de Movilidad de {city}"),
        ),
        roles2=(
            Role(
                "economista del transporte en el instituto {stem2}",
                "economista del transporte en el instituto {stem2}",
            ),
            Role(
                "presidente de la asociación de usuarios", "presidenta de la asociación de usuarios"
            ),
        ),
    ),
    "energy": Topic(
        key="energy",
        headlines=(
            "{Org} construirá {project} cerca de {city}",
            "{City} apuesta por {project}",
            "Luz verde para {project} pese a [la oposición vecinal|las dudas]",
        ),
        leads=(
            "{Org} presentó el {weekday} {project} a las afueras de {city}, una inversión de {amount} que abastecerá a unos {count} hogares.",
            "Las autoridades dieron la aprobación definitiva a {project} cerca de {city}, tras [un largo|un] conflicto sobre el uso del suelo.",
        ),
        details=(
            "La instalación tendrá una potencia de [120|240|310] megavatios.",
            "Un sistema de baterías permitirá estabilizar el suministro en los días sin viento.",
            "Las turbinas las suministrará {org2} en virtud de un contrato de {amount2}.",
            "Según el instituto de estadística, {metric} ha crecido un {pct2} % desde {year}.",
            "Las obras generarán unos {count2} empleos.",
            "Parte de los ingresos se destinará a un fondo para los municipios vecinos.",
            "Los municipios del entorno recibirán [un canon anual|una parte de los ingresos] durante toda la vida útil de la instalación.",
            "Los vecinos podrán participar en el proyecto con aportaciones desde [250|500] euros mediante una cooperativa.",
            "La empresa gestora de la red [prevé|calcula] la conexión [como pronto|como tarde] en {next_year}.",
            "Una reunión informativa en [el ayuntamiento|el centro cívico] reunió a [más de 300|unas 200] personas.",
        ),
        quotes=(
            "La energía limpia y barata producida aquí es nuestra mejor protección frente a la próxima subida de precios",
            "Hemos diseñado el proyecto con los vecinos, no contra ellos",
            "La tecnología está lista; lo que nos ha frenado son los trámites",
        ),
        critic_quotes=(
            "A los hogares ya se les prometieron facturas más bajas y siguen esperando",
            "Sin una red más fuerte, parte de esta electricidad se perderá",
        ),
        vocab={
            "project": (
                "una planta solar con almacenamiento",
                "un parque eólico",
                "una planta de hidrógeno",
                "una red de calor urbana",
            ),
            "metric": (
                "la factura media de la luz",
                "la demanda eléctrica",
                "la cuota de renovables",
            ),
            "facility": ("la subestación regional", "la línea de alta tensión"),
            "group": (
                "los vecinos de los pueblos cercanos",
                "los agricultores",
                "las asociaciones vecinales",
            ),
            "issue": (
                "la saturación de la red",
                "el impacto en el paisaje",
                "la lentitud de los trámites",
            ),
        },
        orgs=(
            "el grupo {stem} Energía||del grupo {stem} Energía",
            "la compañía {stem} Renovables||de la compañía {stem} Renovables",
        ),
        roles1=(
            Role("consejero delegado {org_of}", "consejera delegada {org_of}"),
            Role("director de renovables {org_of}", "directora de renovables {org_of}"),
        ),
        roles2=(
            Role(
                "analista energético de la consultora {stem2}",
                "analista energética de la consultora {stem2}",
            ),
            Role("portavoz de una plataforma vecinal", "portavoz de una plataforma vecinal"),
        ),
    ),
    "health": Topic(
        key="health",
        headlines=(
            "El hospital de {city} estrena {project}",
            "Las listas de espera bajan un {pct} % en {city}",
            "Los médicos de {city} alertan sobre {issue}",
        ),
        leads=(
            "{Org} inauguró el {weekday} en {city} {project}, que atenderá hasta {count} pacientes al año.",
            "En {city}, {metric} ha alcanzado su nivel más alto [en una década|desde que hay registros].",
        ),
        details=(
            "La nueva unidad cuenta con [48|62|80] camas y [cuatro|seis] quirófanos.",
            "Según un informe interno, {metric} se redujo un {pct2} % en el primer semestre.",
            "La contratación sigue siendo el gran obstáculo: una de cada [cinco|siete] plazas de enfermería está vacante en la región.",
            "El programa será evaluado por {org2} durante {months} meses.",
            "El coste, de {amount2}, lo asumirá la consejería de Sanidad en tres años.",
            "Un servicio de atención telefónica se ampliará a los municipios rurales.",
            "Los pacientes con dolencias leves serán atendidos en [un circuito propio|un punto de atención continuada].",
            "La comunidad ha anunciado [más plazas de formación|becas] para [enfermeras|médicos rurales].",
            "[El invierno pasado|Durante la epidemia de gripe], las urgencias de la región se colapsaron [varios días seguidos|durante semanas].",
            "El hospital quiere extender [la cita en línea|las consultas por vídeo] para seguir reduciendo las esperas.",
        ),
        quotes=(
            "Ningún paciente debería esperar medio día en urgencias",
            "Hemos escuchado a unos profesionales que estaban al límite",
            "Los primeros resultados son alentadores, pero la verdadera prueba será el invierno",
        ),
        critic_quotes=(
            "Los edificios nuevos están bien, pero sin personal se quedarán medio vacíos",
            "Los pacientes de las zonas rurales siguen viajando horas para ver a un especialista",
        ),
        vocab={
            "project": (
                "una nueva unidad de urgencias",
                "un centro de cribado de cáncer",
                "una planta de pediatría",
            ),
            "metric": (
                "la espera media para el especialista",
                "la cifra de ingresos en urgencias",
                "la ocupación de camas",
            ),
            "facility": ("la unidad de urgencias", "la planta de pediatría"),
            "group": (
                "los enfermos crónicos",
                "las familias con niños pequeños",
                "las personas mayores",
            ),
            "issue": (
                "la falta de enfermeras",
                "la saturación de las urgencias",
                "la espera para las pruebas diagnósticas",
            ),
        },
        orgs=(
            "la fundación sanitaria {stem}||de la fundación sanitaria {stem}",
            "el consorcio hospitalario {stem}||del consorcio hospitalario {stem}",
        ),
        roles1=(
            Role("director médico {org_of}", "directora médica {org_of}"),
            Role("jefe del servicio de urgencias", "jefa del servicio de urgencias"),
        ),
        roles2=(
            Role(
                "representante del sindicato de enfermería",
                "representante del sindicato de enfermería",
            ),
            Role(
                "investigador en salud pública del instituto {stem2}",
                "investigadora en salud pública del instituto {stem2}",
            ),
        ),
    ),
    "housing": Topic(
        key="housing",
        headlines=(
            "{City} proyecta {count} nuevas viviendas",
            "El alquiler se dispara un {pct} % en {city}",
            "Protesta contra {issue} en {city}",
        ),
        leads=(
            "El pleno de {city} aprobó el {weekday} {project}, con unas {count} viviendas, un tercio de ellas de alquiler asequible.",
            "Los alquileres subieron un {pct} % en el último año en {city}, el mayor aumento desde {year}.",
        ),
        details=(
            "La vivienda absorbe ya casi la mitad de los ingresos de un hogar medio.",
            "El proyecto se levantará en los terrenos de una [antigua fábrica|antigua cervecera|antigua base militar].",
            "Las obras comenzarán el próximo año y terminarán antes de {next_year}.",
            "El año pasado solo se entregaron {count2} viviendas, muy por debajo del objetivo.",
            "El plan incluye también un colegio, un centro de salud y patios ajardinados.",
            "El ayuntamiento calcula una inversión total de {amount}.",
            "[Una cuarta parte|Un tercio] de las viviendas se reservará para [familias con hijos|personas con movilidad reducida].",
            "El ayuntamiento [estudia|se plantea] además ejercer el derecho de tanteo en las zonas más tensionadas.",
            "Los portales inmobiliarios registran rentas de [14|16|18] euros por metro cuadrado en [pisos antiguos|obra nueva].",
            "Para {count2} viviendas protegidas se presentaron el año pasado [varios miles de|más de 3.000] solicitudes.",
        ),
        quotes=(
            "Las familias jóvenes se van de la ciudad porque no encuentran casa, y eso tiene que acabar",
            "Construimos para enfermeras, maestros y conductores de autobús",
            "El mercado por sí solo no lo va a resolver; la ciudad tiene que construir",
        ),
        critic_quotes=(
            "Incluso un alquiler asequible sigue siendo demasiado caro para muchos vecinos",
            "Cada año se anuncia un plan y cada año sube el alquiler",
        ),
        vocab={
            "project": (
                "un nuevo barrio en el borde [este|norte] de la ciudad",
                "la reurbanización de los terrenos {stem}",
                "un barrio sin coches junto al río",
            ),
            "metric": ("la renta media", "la cuantía media del alquiler"),
            "facility": ("una antigua nave ferroviaria", "el antiguo recinto hospitalario"),
            "group": ("los inquilinos", "las familias jóvenes", "los estudiantes"),
            "issue": (
                "la subida de los alquileres",
                "los desahucios",
                "la proliferación de pisos turísticos",
            ),
        },
        orgs=(
            "la empresa municipal de vivienda {stem}||de la empresa municipal de vivienda {stem}",
            "la promotora {stem} Inmobiliaria||de la promotora {stem} Inmobiliaria",
        ),
        roles1=(
            Role("concejal de Urbanismo de {city}", "concejala de Urbanismo de {city}"),
            Role("director general {org_of}", "directora general {org_of}"),
        ),
        roles2=(
            Role("portavoz del sindicato de inquilinos", "portavoz del sindicato de inquilinos"),
            Role(
                "economista de la vivienda en la universidad {stem2}",
                "economista de la vivienda en la universidad {stem2}",
            ),
        ),
    ),
    "environment": Topic(
        key="environment",
        headlines=(
            "{City} aprueba un plan contra {issue}",
            "Un estudio alerta del aumento de la contaminación en {city}",
            "Luz verde para {project} en {city}",
        ),
        leads=(
            "{City} destinará {amount} en los próximos {months} meses a {project}, en respuesta a {issue}.",
            "Un estudio publicado el {weekday} concluye que {metric} ha empeorado notablemente en {city} desde {year}.",
        ),
        details=(
            "Los límites legales se superaron {days} días el año pasado.",
            "El plan prevé plantar [12.000|25.000|40.000] árboles y recuperar humedales junto al río.",
            "Alrededor del {pct} % de la financiación procede de programas nacionales y europeos.",
            "Investigadores del instituto {stem2} tomaron muestras en [30|45|60] puntos durante dos años.",
            "La contaminación debería bajar un {pct2} % antes de {next_year}.",
            "Antes de la aprobación definitiva habrá un proceso de participación ciudadana.",
            "Los sensores instalados en [las grandes avenidas|los principales cruces] publicarán datos [cada hora|en tiempo real].",
            "[El reparto de mercancías|Los autónomos] tendrán una moratoria hasta {next_year}.",
            "[Las organizaciones ecologistas|Los colectivos vecinales] piden [acelerar el calendario|controlar también a la industria].",
            "Una riada en {year} provocó [daños millonarios|la inundación de barrios enteros].",
        ),
        quotes=(
            "No podemos pedir a la gente que respire este aire otros diez años",
            "La naturaleza es la defensa contra inundaciones más barata que tenemos",
            "Los datos no dejan lugar a dudas sobre el origen de la contaminación",
        ),
        critic_quotes=(
            "Los objetivos son buenos, pero no hay presupuesto para los últimos años",
            "Plantar árboles es fácil; mantenerlos vivos en veranos secos no lo es",
        ),
        vocab={
            "project": (
                "una zona de bajas emisiones",
                "la restauración de las riberas",
                "un programa de protección frente a inundaciones",
            ),
            "metric": (
                "la contaminación por partículas finas",
                "la concentración de dióxido de nitrógeno",
                "la presencia de microplásticos en el río",
            ),
            "facility": ("el casco histórico", "la ronda de circunvalación"),
            "group": ("los vecinos", "los colegios y clubes deportivos", "los grupos ecologistas"),
            "issue": (
                "la contaminación del aire",
                "la repetición de las inundaciones",
                "la pérdida de zonas verdes",
            ),
        },
        orgs=(
            "la concejalía de Medio Ambiente||de la concejalía de Medio Ambiente",
            "la fundación {stem} Natura||de la fundación {stem} Natura",
        ),
        roles1=(
            Role("concejal de Medio Ambiente de {city}", "concejala de Medio Ambiente de {city}"),
            Role("autor principal del estudio", "autora principal del estudio"),
        ),
        roles2=(
            Role(
                "activista de la plataforma Aire Limpio", "activista de la plataforma Aire Limpio"
            ),
            Role("hidrólogo del instituto {stem2}", "hidróloga del instituto {stem2}"),
        ),
    ),
    "culture": Topic(
        key="culture",
        headlines=(
            "Récord de público en el festival {stem} de {city}",
            "{City} reabre {facility} tras una reforma de {amount}",
            "{Project} atrae a miles de visitantes a {city}",
        ),
        leads=(
            "Más de {count} personas asistieron el fin de semana a {project} en {city}, un récord según los organizadores.",
            "Tras {months} meses de obras, {facility} de {city} reabrió sus puertas el {weekday}. La reforma costó {amount}.",
        ),
        details=(
            "El programa reúne [más de 200|unas 150] citas en [doce|quince] espacios.",
            "Según la organización, la venta de entradas creció un {pct} % respecto al año pasado.",
            "La restauración sacó a la luz [frescos|azulejos antiguos] ocultos durante décadas.",
            "Los hoteles de la ciudad rozaron el {pct2} % de ocupación.",
            "Un nuevo programa educativo recibirá cada año a unos {count2} escolares.",
            "El concierto de clausura se retransmitirá en directo por la televisión autonómica.",
            "La entrada es gratuita para [menores de 18 años|grupos escolares] y cuesta [doce|15] euros para los adultos.",
            "[La nueva iluminación|La maquinaria escénica] fue una de las partes más complejas de la reforma.",
            "[El ayuntamiento|La asociación de amigos del teatro] aporta {amount2} a la programación.",
            "Participan artistas de [más de 20|quince] países en esta edición.",
        ),
        quotes=(
            "Queríamos que quien nunca va a un museo se sintiera aquí como en casa",
            "La cultura no es un lujo para esta ciudad",
            "La respuesta del público ha superado todas nuestras expectativas",
        ),
        critic_quotes=(
            "Los artistas locales ya no pueden permitirse participar en el festival que se creó para ellos",
            "Ese dinero habría sido más útil en las bibliotecas de barrio",
        ),
        vocab={
            "project": (
                "la nueva edición del festival de jazz {stem}",
                "una gran retrospectiva de fotografía",
                "la muestra de teatro de calle",
            ),
            "metric": ("la afluencia de público", "la venta de entradas"),
            "facility": ("el teatro municipal", "la antigua sala de conciertos", "el museo {stem}"),
            "group": ("los vecinos del centro", "las galerías independientes"),
            "issue": ("la subida del precio de las entradas", "los recortes de las subvenciones"),
        },
        orgs=(
            "la fundación cultural {stem}||de la fundación cultural {stem}",
            "la asociación {stem} Festival||de la asociación {stem} Festival",
        ),
        roles1=(
            Role("director artístico {org_of}", "directora artística {org_of}"),
            Role("concejal de Cultura de {city}", "concejala de Cultura de {city}"),
        ),
        roles2=(
            Role("pintor afincado en {city}", "pintora afincada en {city}"),
            Role("crítico musical", "crítica musical"),
        ),
    ),
}

VARIANTS = (
    (r"\bunos (?=\d)", ("unos ", "alrededor de ", "cerca de ")),
    (r"\bunas (?=\d)", ("unas ", "alrededor de ", "cerca de ")),
    (r"\bUnas (?=\d)", ("Unas ", "Alrededor de ", "Cerca de ")),
    (r"\bsegún\b", ("según", "de acuerdo con")),
    (r"\bSegún\b", ("Según", "De acuerdo con")),
    (r"\bel año pasado\b", ("el año pasado", "el último año", "el ejercicio anterior")),
    (r"\bmás de\b", ("más de", "por encima de")),
    (r"\bproyecto\b", ("proyecto", "plan")),
    (r"\bvecinos\b", ("vecinos", "residentes")),
    (r"\bafirmó\b", ("afirmó", "aseguró", "señaló")),
    (r"\bdijo\b", ("dijo", "explicó", "indicó")),
    (r"\bcasi\b", ("casi", "prácticamente")),
)

PACK = LanguagePack(
    code="es",
    name="Español",
    first_m=(
        "Javier",
        "Diego",
        "Alejandro",
        "Pablo",
        "Sergio",
        "Andrés",
        "Miguel",
        "Jorge",
        "Raúl",
        "Tomás",
        "Iván",
        "Óscar",
    ),
    first_f=(
        "Lucía",
        "Carmen",
        "Marta",
        "Elena",
        "Paula",
        "Beatriz",
        "Irene",
        "Nuria",
        "Sofía",
        "Ana",
        "Rocío",
        "Alba",
    ),
    last=(
        "Romero",
        "Navarro",
        "Castaño",
        "Herrera",
        "Iglesias",
        "Medina",
        "Ortega",
        "Quintana",
        "Serrano",
        "Valcárcel",
        "Zamora",
        "Aranda",
        "Bermúdez",
        "Carrasco",
        "Domínguez",
        "Escobar",
        "Fuentes",
        "Gallardo",
    ),
    feminine_last=lambda name: name,
    org_stems=(
        "Alborada",
        "Sierra Alta",
        "Valdemar",
        "Puerto Claro",
        "Montehermoso",
        "Riberalta",
        "Peñaflor",
        "Marisol",
        "Torreblanca",
        "Cumbre",
    ),
    topics=TOPICS,
    background=(
        "{City} tiene unos [400.000|600.000|850.000] habitantes y es una de las ciudades más dinámicas de {country}.",
        "El proyecto se planteó ya en {year}, pero quedó bloqueado por [recursos judiciales|desacuerdos sobre la financiación].",
        "Desde la publicación de un informe crítico el año pasado, el gobierno local está bajo presión.",
        "El plan forma parte de una estrategia de modernización con horizonte {next_year}.",
        "La oposición municipal ha criticado el calendario y ha pedido una auditoría independiente.",
        "El ayuntamiento ya [estudió|planteó] un proyecto [similar|parecido] en {year}, [pero lo descartó|sin que llegara a concretarse].",
        "[Según el consistorio|Según fuentes municipales], [este año|desde enero] se han recibido [más de 400|unas 250] [quejas|reclamaciones] sobre el asunto.",
        "[El área metropolitana|La comarca] gana población [desde hace años|desde hace más de una década], [sobre todo por la llegada de familias jóvenes|impulsada por nuevos empleos].",
    ),
    numbers=(
        "El coste total se estima en {amount}, de los que {amount2} ya están comprometidos.",
        "Unas {count} personas se beneficiarán directamente, según las autoridades.",
        "En una encuesta a {count2} vecinos, el {pct2} % se mostró a favor del proyecto.",
        "Los primeros resultados se esperan en {months} meses.",
        "Por habitante, eso supone [algo menos de|algo más de] {pct2} euros [al año|cada año].",
        "[A modo de comparación|Para comparar], en {year} la cifra era [aproximadamente la mitad|bastante menor].",
    ),
    context=(
        "Otras ciudades de {country} se enfrentan a preguntas parecidas.",
        "Los expertos creen que otros municipios seguirán de cerca el resultado.",
        "El debate divide al pleno según líneas ya conocidas.",
        "Las reuniones vecinales sobre el asunto se han llenado en los últimos meses.",
        "Sus defensores lo ven como un modelo para otras regiones.",
        "Proyectos [similares|parecidos] en [Escandinavia|los Países Bajos|Suiza] se citan a menudo como [ejemplo|modelo].",
        "En las redes sociales el asunto genera un debate [encendido|intenso].",
        "[Las patronales|Las cámaras de comercio] reclaman [más seguridad jurídica|un calendario fiable].",
    ),
    outlook=(
        "La decisión sobre la [segunda|siguiente] fase se espera [en otoño|el próximo año].",
        "{Org} se comprometió a publicar un balance cada seis meses.",
        "El pleno debatirá el presupuesto en su próxima sesión.",
        "{P2_last} aseguró que seguirán presionando.",
        "Queda por ver si se cumplirán los plazos.",
        "[Un primer balance|Un informe provisional] se presentará [en primavera|después del verano].",
        "[Si hay nuevos retrasos|Si no se cumplen los plazos], [habrá sobrecostes|podrían perderse ayudas].",
    ),
    reactions=(
        "No todos están convencidos. {P2}, {p2_role}, señaló {issue}.",
        "{P2}, {p2_role}, celebró la decisión, aunque echó en falta más detalles.",
        "{P3}, {p3_role}, calificó las medidas de [necesarias|muy esperadas].",
        "Los opositores han reunido ya más de {count2} firmas.",
        "Incluso [sus defensores|los partidarios del plan] [reconocen|admiten] que [quedan muchas preguntas abiertas|el calendario es ambicioso].",
        "{P3} habló de [una señal importante|un buen día para la ciudad|un paso que llega tarde].",
    ),
    quote_forms=(
        "«{q}», afirmó {name}, {role}.",
        "«{q}», dijo {last}.",
        "{name}, {role}, lo resumió así: «{q}».",
        "«{q}», subrayó {last}.",
    ),
    inserted=(
        "Esta noticia se ha actualizado con la reacción oficial.",
        "{Group} ya habían expresado inquietudes similares en primavera, según informó {outlet}.",
        "{Org} no respondió a las preguntas de este medio antes del cierre de esta edición.",
    ),
    headline_edits=("{h}, según fuentes oficiales", "Última hora: {h}", "{h} (actualizada)"),
    word_swaps=((", afirmó ", ", aseguró "), ("Unas ", "Alrededor de "), ("proyecto", "plan")),
    byline="Por {authors}",
    and_word="y",
    dateline_forms=("{place}, {date} ({agency}) - ", "{place} ({agency}) – ", "{place} – "),
    scrape_published="{authors} Publicado el {date} a las {time}",
    boiler=Boilerplate(
        sections=(
            "Portada",
            "España",
            "Internacional",
            "Economía",
            "Sociedad",
            "Deportes",
            "Cultura",
            "Opinión",
            "El tiempo",
        ),
        advert="Publicidad",
        advert_texts=(
            "Compara tarifas de luz y gas y ahorra",
            "Suscríbete por 1 € el primer mes",
            "Nuevo SUV híbrido: descubre la oferta",
        ),
        related="Noticias relacionadas",
        most_read="Lo más leído",
        newsletter="Recibe cada mañana lo más importante. Apúntate a nuestro boletín.",
        subscribe="Suscribirse",
        cookie="Utilizamos cookies propias y de terceros para personalizar contenidos y mostrar publicidad. Si continúas navegando, aceptas su uso.",
        accept="Aceptar todo",
        share=("Compartir en Facebook", "Compartir en X", "Enviar por correo", "Copiar enlace"),
        read_also="Te puede interesar:",
        comments="{n} comentarios",
        footer=(
            "Aviso legal",
            "Privacidad",
            "Contacto",
            "Publicidad",
            "Condiciones de uso",
            "Trabaja con nosotros",
        ),
        rights="© {year} {outlet}. Todos los derechos reservados.",
        menu="Abrir menú",
        scrape_tail=(
            "Compartir noticia",
            "Temas relacionados",
            "Comentarios",
            "Suscríbete al boletín",
            "Volver arriba",
        ),
        tags="Etiquetas:",
        photo="Foto: {name}",
        updated="Actualizado a las {time}",
        skip="Ir al contenido",
        search="Buscar",
        login="Iniciar sesión",
        weather="El tiempo: {t} °C, nublado",
        editor_note="Nota de la redacción: esta información se publicó primero en un medio asociado y la reproduce {outlet}.",
    ),
    format_date=format_date,
    format_time=format_time,
    format_short_date=format_short_date,
    format_number=format_number,
    format_money=format_money,
    variants=VARIANTS,
    weekdays=("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
)
