"""Places, outlets and news agencies the sample generator writes about and as.

Cities and countries are real (with their names in each language and their IANA time zone, so
that local times on a page convert to UTC the way a reader would); outlets and agencies are
invented, with plausible names and domains, so no synthetic story is ever attributed to a real
publisher.
"""

# Template text and data tables: long string literals are kept whole on purpose.
# ruff: noqa: E501

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    key: str
    zone: str
    country: str
    names: dict[str, str]  # language -> name ("en" always present)

    def name(self, lang: str) -> str:
        return self.names.get(lang, self.names["en"])


def _city(zone: str, country: str, en: str, de: str, fr: str, es: str, ru: str) -> City:
    return City(
        en.lower().replace(" ", "-"),
        zone,
        country,
        {"en": en, "de": de, "fr": fr, "es": es, "ru": ru},
    )


# fmt: off
COUNTRIES: dict[str, dict[str, str]] = {
    "PT": {"en": "Portugal", "de": "Portugal", "fr": "Portugal", "es": "Portugal", "ru": "Португалия"},
    "ES": {"en": "Spain", "de": "Spanien", "fr": "Espagne", "es": "España", "ru": "Испания"},
    "FR": {"en": "France", "de": "Frankreich", "fr": "France", "es": "Francia", "ru": "Франция"},
    "DE": {"en": "Germany", "de": "Deutschland", "fr": "Allemagne", "es": "Alemania", "ru": "Германия"},
    "AT": {"en": "Austria", "de": "Österreich", "fr": "Autriche", "es": "Austria", "ru": "Австрия"},
    "CH": {"en": "Switzerland", "de": "Schweiz", "fr": "Suisse", "es": "Suiza", "ru": "Швейцария"},
    "NL": {"en": "the Netherlands", "de": "Niederlande", "fr": "Pays-Bas", "es": "Países Bajos", "ru": "Нидерланды"},
    "PL": {"en": "Poland", "de": "Polen", "fr": "Pologne", "es": "Polonia", "ru": "Польша"},
    "NO": {"en": "Norway", "de": "Norwegen", "fr": "Norvège", "es": "Noruega", "ru": "Норвегия"},
    "FI": {"en": "Finland", "de": "Finnland", "fr": "Finlande", "es": "Finlandia", "ru": "Финляндия"},
    "GB": {"en": "Britain", "de": "Großbritannien", "fr": "Royaume-Uni", "es": "Reino Unido", "ru": "Великобритания"},
    "IE": {"en": "Ireland", "de": "Irland", "fr": "Irlande", "es": "Irlanda", "ru": "Ирландия"},
    "CA": {"en": "Canada", "de": "Kanada", "fr": "Canada", "es": "Canadá", "ru": "Канада"},
    "US": {"en": "the United States", "de": "USA", "fr": "États-Unis", "es": "Estados Unidos", "ru": "США"},
    "MX": {"en": "Mexico", "de": "Mexiko", "fr": "Mexique", "es": "México", "ru": "Мексика"},
    "CL": {"en": "Chile", "de": "Chile", "fr": "Chili", "es": "Chile", "ru": "Чили"},
    "AR": {"en": "Argentina", "de": "Argentinien", "fr": "Argentine", "es": "Argentina", "ru": "Аргентина"},
    "RU": {"en": "Russia", "de": "Russland", "fr": "Russie", "es": "Rusia", "ru": "Россия"},
    "KZ": {"en": "Kazakhstan", "de": "Kasachstan", "fr": "Kazakhstan", "es": "Kazajistán", "ru": "Казахстан"},
    "GE": {"en": "Georgia", "de": "Georgien", "fr": "Géorgie", "es": "Georgia", "ru": "Грузия"},
    "MA": {"en": "Morocco", "de": "Marokko", "fr": "Maroc", "es": "Marruecos", "ru": "Марокко"},
    "KE": {"en": "Kenya", "de": "Kenia", "fr": "Kenya", "es": "Kenia", "ru": "Кения"},
    "GH": {"en": "Ghana", "de": "Ghana", "fr": "Ghana", "es": "Ghana", "ru": "Гана"},
    "IN": {"en": "India", "de": "Indien", "fr": "Inde", "es": "India", "ru": "Индия"},
    "VN": {"en": "Vietnam", "de": "Vietnam", "fr": "Viêt Nam", "es": "Vietnam", "ru": "Вьетнам"},
    "KR": {"en": "South Korea", "de": "Südkorea", "fr": "Corée du Sud", "es": "Corea del Sur", "ru": "Южная Корея"},
    "JP": {"en": "Japan", "de": "Japan", "fr": "Japon", "es": "Japón", "ru": "Япония"},
    "AU": {"en": "Australia", "de": "Australien", "fr": "Australie", "es": "Australia", "ru": "Австралия"},
    "NZ": {"en": "New Zealand", "de": "Neuseeland", "fr": "Nouvelle-Zélande", "es": "Nueva Zelanda", "ru": "Новая Зеландия"},
}

CITIES: tuple[City, ...] = (
    _city("Europe/Lisbon", "PT", "Lisbon", "Lissabon", "Lisbonne", "Lisboa", "Лиссабон"),
    _city("Europe/Lisbon", "PT", "Porto", "Porto", "Porto", "Oporto", "Порту"),
    _city("Europe/Madrid", "ES", "Seville", "Sevilla", "Séville", "Sevilla", "Севилья"),
    _city("Europe/Madrid", "ES", "Valencia", "Valencia", "Valence", "Valencia", "Валенсия"),
    _city("Europe/Madrid", "ES", "Bilbao", "Bilbao", "Bilbao", "Bilbao", "Бильбао"),
    _city("Europe/Madrid", "ES", "Zaragoza", "Saragossa", "Saragosse", "Zaragoza", "Сарагоса"),
    _city("Europe/Paris", "FR", "Lyon", "Lyon", "Lyon", "Lyon", "Лион"),
    _city("Europe/Paris", "FR", "Marseille", "Marseille", "Marseille", "Marsella", "Марсель"),
    _city("Europe/Paris", "FR", "Bordeaux", "Bordeaux", "Bordeaux", "Burdeos", "Бордо"),
    _city("Europe/Paris", "FR", "Toulouse", "Toulouse", "Toulouse", "Toulouse", "Тулуза"),
    _city("Europe/Paris", "FR", "Nantes", "Nantes", "Nantes", "Nantes", "Нант"),
    _city("Europe/Berlin", "DE", "Munich", "München", "Munich", "Múnich", "Мюнхен"),
    _city("Europe/Berlin", "DE", "Hamburg", "Hamburg", "Hambourg", "Hamburgo", "Гамбург"),
    _city("Europe/Berlin", "DE", "Leipzig", "Leipzig", "Leipzig", "Leipzig", "Лейпциг"),
    _city("Europe/Berlin", "DE", "Cologne", "Köln", "Cologne", "Colonia", "Кёльн"),
    _city("Europe/Berlin", "DE", "Dresden", "Dresden", "Dresde", "Dresde", "Дрезден"),
    _city("Europe/Vienna", "AT", "Vienna", "Wien", "Vienne", "Viena", "Вена"),
    _city("Europe/Vienna", "AT", "Graz", "Graz", "Graz", "Graz", "Грац"),
    _city("Europe/Zurich", "CH", "Zurich", "Zürich", "Zurich", "Zúrich", "Цюрих"),
    _city("Europe/Zurich", "CH", "Geneva", "Genf", "Genève", "Ginebra", "Женева"),
    _city("Europe/Amsterdam", "NL", "Rotterdam", "Rotterdam", "Rotterdam", "Róterdam", "Роттердам"),
    _city("Europe/Warsaw", "PL", "Gdansk", "Danzig", "Gdańsk", "Gdansk", "Гданьск"),
    _city("Europe/Warsaw", "PL", "Krakow", "Krakau", "Cracovie", "Cracovia", "Краков"),
    _city("Europe/Oslo", "NO", "Bergen", "Bergen", "Bergen", "Bergen", "Берген"),
    _city("Europe/Helsinki", "FI", "Tampere", "Tampere", "Tampere", "Tampere", "Тампере"),
    _city("Europe/London", "GB", "Manchester", "Manchester", "Manchester", "Mánchester", "Манчестер"),
    _city("Europe/London", "GB", "Glasgow", "Glasgow", "Glasgow", "Glasgow", "Глазго"),
    _city("Europe/London", "GB", "Bristol", "Bristol", "Bristol", "Brístol", "Бристоль"),
    _city("Europe/Dublin", "IE", "Cork", "Cork", "Cork", "Cork", "Корк"),
    _city("America/Toronto", "CA", "Montreal", "Montreal", "Montréal", "Montreal", "Монреаль"),
    _city("America/Vancouver", "CA", "Vancouver", "Vancouver", "Vancouver", "Vancouver", "Ванкувер"),
    _city("America/Denver", "US", "Denver", "Denver", "Denver", "Denver", "Денвер"),
    _city("America/New_York", "US", "Pittsburgh", "Pittsburgh", "Pittsburgh", "Pittsburgh", "Питтсбург"),
    _city("America/Chicago", "US", "Milwaukee", "Milwaukee", "Milwaukee", "Milwaukee", "Милуоки"),
    _city("America/Monterrey", "MX", "Monterrey", "Monterrey", "Monterrey", "Monterrey", "Монтеррей"),
    _city("America/Santiago", "CL", "Valparaiso", "Valparaíso", "Valparaíso", "Valparaíso", "Вальпараисо"),
    _city("America/Argentina/Cordoba", "AR", "Rosario", "Rosario", "Rosario", "Rosario", "Росарио"),
    _city("Europe/Moscow", "RU", "Kazan", "Kasan", "Kazan", "Kazán", "Казань"),
    _city("Asia/Novosibirsk", "RU", "Novosibirsk", "Nowosibirsk", "Novossibirsk", "Novosibirsk", "Новосибирск"),
    _city("Asia/Yekaterinburg", "RU", "Yekaterinburg", "Jekaterinburg", "Iekaterinbourg", "Ekaterimburgo", "Екатеринбург"),
    _city("Europe/Samara", "RU", "Samara", "Samara", "Samara", "Samara", "Самара"),
    _city("Asia/Almaty", "KZ", "Almaty", "Almaty", "Almaty", "Almaty", "Алматы"),
    _city("Asia/Tbilisi", "GE", "Tbilisi", "Tiflis", "Tbilissi", "Tiflis", "Тбилиси"),
    _city("Africa/Casablanca", "MA", "Casablanca", "Casablanca", "Casablanca", "Casablanca", "Касабланка"),
    _city("Africa/Nairobi", "KE", "Nairobi", "Nairobi", "Nairobi", "Nairobi", "Найроби"),
    _city("Africa/Accra", "GH", "Accra", "Accra", "Accra", "Acra", "Аккра"),
    _city("Asia/Kolkata", "IN", "Pune", "Pune", "Pune", "Pune", "Пуна"),
    _city("Asia/Ho_Chi_Minh", "VN", "Da Nang", "Da Nang", "Da Nang", "Da Nang", "Дананг"),
    _city("Asia/Seoul", "KR", "Busan", "Busan", "Busan", "Busan", "Пусан"),
    _city("Asia/Tokyo", "JP", "Osaka", "Osaka", "Osaka", "Osaka", "Осака"),
    _city("Australia/Perth", "AU", "Perth", "Perth", "Perth", "Perth", "Перт"),
    _city("Pacific/Auckland", "NZ", "Auckland", "Auckland", "Auckland", "Auckland", "Окленд"),
)
# fmt: on

# Where each language's outlets mostly report from (the rest of the time: anywhere).
HOME_COUNTRIES: dict[str, tuple[str, ...]] = {
    "en": ("GB", "IE", "US", "CA", "AU", "NZ", "IN", "KE", "GH"),
    "de": ("DE", "AT", "CH"),
    "fr": ("FR", "CH", "CA", "MA"),
    "es": ("ES", "MX", "CL", "AR"),
    "ru": ("RU", "KZ", "GE"),
}


@dataclass(frozen=True)
class Outlet:
    """An invented publisher: how its pages look and where its clock is."""

    name: str
    domain: str
    lang: str
    zone: str  # the newsroom's zone: local times on pages without a dateline
    layout: str  # "classic", "magazine", "portal" or "minimal"
    meta: str  # "full" (title + meta/og tags), "jsonld" (also JSON-LD) or "none"
    path: str  # URL path pattern: {section} {y} {m} {d} {slug} {n}
    charset: str = "utf-8"  # legacy sites serve windows-1252 / windows-1251


# fmt: off
OUTLETS: tuple[Outlet, ...] = (
    Outlet("The Harbour Ledger", "harbourledger.co.uk", "en", "Europe/London", "classic", "full", "/news/{section}/{slug}-{n}"),
    Outlet("Northern Courier", "northern-courier.com", "en", "America/Toronto", "magazine", "jsonld", "/{y}/{m}/{d}/{slug}/"),
    Outlet("Daily Lantern", "dailylantern.ie", "en", "Europe/Dublin", "portal", "none", "/article/{n}/{slug}"),
    Outlet("Capital Wire Report", "capitalwirereport.com", "en", "America/New_York", "minimal", "jsonld", "/{section}/{y}{m}{d}-{slug}"),
    Outlet("Pacific Ledger", "pacificledger.com.au", "en", "Australia/Sydney", "classic", "jsonld", "/{section}/{slug}/news-story/{n}"),
    Outlet("Midlands Observer", "midlandsobserver.co.uk", "en", "Europe/London", "portal", "full", "/{section}/{slug}-{n}.html"),
    Outlet("Rheinischer Anzeiger", "rheinischer-anzeiger.de", "de", "Europe/Berlin", "classic", "full", "/{section}/{slug}-{n}.html"),
    Outlet("Alpenland Zeitung", "alpenland-zeitung.at", "de", "Europe/Vienna", "portal", "jsonld", "/{section}/{n}/{slug}"),
    Outlet("Neue Tagespost Nord", "tagespost-nord.de", "de", "Europe/Berlin", "magazine", "none", "/{y}/{m}/{slug}", "windows-1252"),
    Outlet("Le Courrier du Matin", "courrierdumatin.fr", "fr", "Europe/Paris", "magazine", "jsonld", "/{section}/article/{y}/{m}/{d}/{slug}_{n}.html"),
    Outlet("La Gazette Continentale", "gazette-continentale.fr", "fr", "Europe/Paris", "classic", "full", "/{section}/{slug}-{n}"),
    Outlet("L'Écho du Léman", "echodu-leman.ch", "fr", "Europe/Zurich", "minimal", "none", "/articles/{n}-{slug}", "windows-1252"),
    Outlet("El Diario del Sur", "diariodelsur.es", "es", "Europe/Madrid", "classic", "jsonld", "/{section}/{y}/{m}/{d}/{slug}.html"),
    Outlet("Crónica Atlántica", "cronica-atlantica.es", "es", "Europe/Madrid", "portal", "full", "/noticias/{slug}-{n}"),
    Outlet("La Voz del Pacífico", "lavozdelpacifico.cl", "es", "America/Santiago", "magazine", "none", "/{section}/{slug}/{n}/", "windows-1252"),
    Outlet("Вечерний вестник", "vestnik-vecher.ru", "ru", "Europe/Moscow", "classic", "jsonld", "/{section}/{n}-{slug}"),
    Outlet("Сибирская панорама", "sibpanorama.ru", "ru", "Asia/Novosibirsk", "portal", "full", "/news/{y}/{m}/{d}/{n}/", "windows-1251"),
    Outlet("Деловой обозреватель", "delovoy-obozrevatel.ru", "ru", "Europe/Moscow", "minimal", "none", "/articles/{slug}-{n}"),
)
# fmt: on

# (full name, abbreviation as written in datelines)
AGENCIES: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (
        ("Continental Press Agency", "CPA"),
        ("Meridian News Service", "MNS"),
        ("Globe Wire", "GW"),
    ),
    "de": (("Nordpresse Agentur", "npa"), ("Mitteleuropäischer Nachrichtendienst", "MND")),
    "fr": (("Agence Européenne de Presse", "AEP"), ("Agence Francophone d'Information", "AFI")),
    "es": (("Agencia Ibérica de Noticias", "AIN"), ("Agencia Latina de Prensa", "ALP")),
    "ru": (
        ("Агентство «Северпресс»", "Северпресс"),
        ("Информационное агентство «Регион-Инфо»", "Регион-Инфо"),
    ),
}


def outlets_for(lang: str) -> tuple[Outlet, ...]:
    return tuple(o for o in OUTLETS if o.lang == lang)
