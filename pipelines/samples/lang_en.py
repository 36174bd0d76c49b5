"""English templates for the sample generator (all text written for this project)."""

# Template text and data tables: long string literals are kept whole on purpose.
# ruff: noqa: E501

from __future__ import annotations

from datetime import datetime

from pipelines.samples.language import Boilerplate, LanguagePack, Role, Topic

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def format_date(dt: datetime) -> str:
    return f"{MONTHS[dt.month - 1]} {dt.day}, {dt.year}"


def format_time(dt: datetime) -> str:
    hour = dt.hour % 12 or 12
    return f"{hour:02d}:{dt.minute:02d} {'AM' if dt.hour < 12 else 'PM'}"


def format_short_date(dt: datetime) -> str:
    return f"{_ordinal(dt.day)} {MONTHS[dt.month - 1][:3]}, {dt.year}"


def format_number(n: int) -> str:
    return f"{n:,}"


def format_money(millions: int) -> str:
    if millions >= 1000 and millions % 100 == 0:
        return f"${millions / 1000:g} billion"
    return f"${millions} million"


TOPICS = {
    "transport": Topic(
        key="transport",
        headlines=(
            "[Work begins on|Construction starts on|Council backs] {project} in {city}",
            "{City} commits {amount} to {project}",
            "Delays [push back|threaten] {project} as costs [climb|rise] to {amount}",
            "{Group} in {city} face [months of disruption|detours] as {project} [takes shape|gets under way]",
        ),
        leads=(
            "Officials in {city} [approved|signed off on] {project} on {weekday}, a scheme expected to cost {amount} and take {months} months to complete.",
            "{Org} said on {weekday} that {project} would open to passengers by {next_year}, after a [lengthy|two-year] planning process.",
            "Residents of {city} will [see|face] [major|significant] roadworks from next month as {org} begins [building|work on] {project}.",
        ),
        details=(
            "The route will run for {km} kilometres and include [nine|eleven|fourteen] new stops, according to planning documents published by {org}.",
            "Engineers expect {metric} to [improve|fall] by about {pct} percent once the line is running at full capacity.",
            "Around {count} people currently travel through {facility} every weekday, [many of them|most of them] on [crowded|ageing] buses.",
            "The [first|initial] phase covers the stretch between {facility} and the [river crossing|industrial estate|northern suburbs].",
            "Contracts worth {amount2} have already been awarded to [a consortium|two firms] led by {org2}.",
            "[Night-time|Weekend] closures are planned for [several|at least six] junctions while utility pipes are moved.",
            "The council has promised that {group} will be consulted before [any|the] final timetable is agreed.",
            "Funding comes partly from a regional infrastructure fund and partly from a [levy|charge] on city-centre parking.",
        ),
        quotes=(
            "This is the [biggest|most important] investment in public transport this city has seen in a generation",
            "We know the works will be [disruptive|inconvenient], but the alternative is [gridlock|standing still] for another decade",
            "Every study we have commissioned shows that {metric} will improve [dramatically|substantially]",
            "We have built in a [contingency|reserve] of {pct} percent because projects like this rarely go exactly to plan",
        ),
        critic_quotes=(
            "The figures assume passenger numbers that we have never seen on any comparable line",
            "Nobody has explained how the running costs will be paid once the construction money is spent",
            "[Shop owners|Traders] along the route are worried they will not survive two years of roadworks",
        ),
        vocab={
            "project": (
                "the [Eastbank|Northgate|Harbourside|Millfield|Westcombe] tram extension",
                "the [new|long-awaited] {stem} light-rail line",
                "the [southern|outer] ring road [upgrade|bypass]",
                "a rapid bus corridor linking [the airport|the university] with the city centre",
            ),
            "metric": ("average journey times", "weekday ridership", "congestion at peak hours"),
            "facility": (
                "the main railway station",
                "the [central|eastern] bus depot",
                "the [old|Victoria Road] interchange",
            ),
            "group": ("commuters", "bus drivers", "businesses along the route"),
            "issue": (
                "the cost of the scheme",
                "noise from the construction sites",
                "the loss of parking spaces",
            ),
        },
        orgs=(
            "the {stem} Transit Authority",
            "{City} Regional Transport Board",
            "{stem} Rail Partners",
        ),
        roles1=(
            Role("chief executive of {org}"),
            Role("transport commissioner for {city}"),
            Role("project director at {org}"),
        ),
        roles2=(
            Role("a transport economist at the {stem2} Institute"),
            Role("chair of the {city} Passengers' Association"),
            Role("a spokesperson for local traders"),
        ),
    ),
    "energy": Topic(
        key="energy",
        headlines=(
            "{Org} [unveils|announces] {amount} plan for {project} near {city}",
            "{City} [turns to|bets on] {project} [to cut bills|as prices bite]",
            "[Regulator approves|Go-ahead for] {project} despite [local objections|grid concerns]",
        ),
        leads=(
            "{Org} announced plans on {weekday} for {project} on the outskirts of {city}, an investment of {amount} that it says will power about {count} homes.",
            "Regional authorities gave final approval to {project} near {city} this week, ending [a long|an 18-month] dispute over [land use|grid access].",
            "{Project} near {city} will start feeding electricity into the grid by {next_year}, {org} said in a statement on {weekday}.",
        ),
        details=(
            "The site will have a capacity of [120|240|310|450] megawatts, enough to cover roughly {pct} percent of the region's household demand.",
            "Battery storage on the site is designed to smooth out supply on [windless|cloudy] days and in the evening peak.",
            "{Org2} will supply the turbines under a contract valued at {amount2}.",
            "Grid operators have warned that {facility} is already close to its limits and will need [reinforcing|upgrading].",
            "{Metric} has risen by {pct2} percent since {year}, according to figures from the national statistics office.",
            "About {count2} jobs are expected during construction, falling to [several dozen|around 60] permanent positions once the plant is running.",
            "Part of the income will go into a community fund that {group} can draw on for local projects.",
            "An environmental assessment found no lasting harm to [bird populations|groundwater|nearby wetlands], though monitoring will continue for ten years.",
        ),
        quotes=(
            "Cheap, clean power produced here is the best protection we have against the next price shock",
            "We designed the project together with the people who live next to it, not around them",
            "By the end of the decade we want [half|most] of the region's electricity to come from sources like this",
            "The technology is ready; what has held us back until now is the permitting process",
        ),
        critic_quotes=(
            "Households have been promised lower bills before, and they are still waiting",
            "The landscape here is part of what draws visitors, and that has not been properly weighed",
            "Without a stronger grid, much of this power will simply be switched off on sunny afternoons",
        ),
        vocab={
            "project": (
                "a [solar park|solar farm] [with battery storage|and storage plant]",
                "an onshore wind farm",
                "the {stem} [hydrogen plant|heat network]",
                "a [district heating|geothermal] network",
            ),
            "metric": (
                "electricity demand in the region",
                "the average household energy bill",
                "the share of renewable power",
            ),
            "facility": (
                "the regional substation",
                "the [northern|high-voltage] transmission line",
                "the local distribution network",
            ),
            "group": ("nearby villages", "residents' associations", "local farmers"),
            "issue": (
                "the visual impact on the landscape",
                "the strain on the grid",
                "the [pace|speed] of the permitting process",
            ),
        },
        orgs=("{stem} Energy", "{stem} Power Holdings", "the {City} Municipal Utility"),
        roles1=(
            Role("managing director of {org}"),
            Role("head of renewables at {org}"),
            Role("energy minister for the region"),
        ),
        roles2=(
            Role("an energy analyst at {stem2} Research"),
            Role("a spokesperson for local residents opposed to the plans"),
            Role("a grid engineer at the {stem2} Institute"),
        ),
    ),
    "health": Topic(
        key="health",
        headlines=(
            "{City} hospital [opens|unveils] {project} [as waiting lists grow|to ease pressure on wards]",
            "Waiting times [at|across] {city} clinics [fall|drop] by {pct}% after {project}",
            "Health officials [warn|sound alarm] over {issue} in {city}",
        ),
        leads=(
            "{Org} opened {project} in {city} on {weekday}, a {amount} facility that it says will treat up to {count} patients a year.",
            "Health authorities in {city} have launched {project} after {metric} rose to the highest level [in a decade|since records began].",
            "Doctors in {city} say {issue} is putting [severe|growing] pressure on {facility}, with some patients waiting [weeks|months] for treatment.",
        ),
        details=(
            "The new unit has [48|62|80] beds and [four|six] operating theatres, and will be staffed by about {count2} nurses and doctors.",
            "{Metric} fell by {pct2} percent in the first six months of the pilot, according to an internal review.",
            "Patients with [minor injuries|non-urgent conditions] will be directed to [a separate entrance|community clinics] to keep {facility} free for emergencies.",
            "Recruitment remains the biggest obstacle, with [one in five|one in seven] nursing posts in the region currently unfilled.",
            "The programme was developed with {org2}, which will evaluate its results over the next {months} months.",
            "[Elderly|Older] patients and {group} are expected to benefit most from the shorter waiting times.",
            "A [mobile screening service|telephone triage line] will also be extended to [rural districts|the outer suburbs].",
            "Officials said the cost of {amount2} would be covered by the regional health budget over three years.",
        ),
        quotes=(
            "Patients should not have to wait half a day to be seen, and with this unit they will not have to",
            "We have listened to staff who told us they were stretched to breaking point",
            "The early results are [encouraging|very promising], but the real test will be the winter",
            "Prevention is always cheaper than treatment, and this is where we are putting the money",
        ),
        critic_quotes=(
            "New buildings are welcome, but without more staff they will stand half empty",
            "The pressure on emergency departments has causes that a single unit cannot fix",
            "Patients in the outlying districts still have to travel for hours to see a specialist",
        ),
        vocab={
            "project": (
                "a [new|dedicated] emergency assessment unit",
                "a [regional|specialist] cancer screening centre",
                "the {stem} [children's|maternity] wing",
                "a community clinic network",
            ),
            "metric": (
                "the average waiting time for a specialist appointment",
                "the number of emergency admissions",
                "bed occupancy",
            ),
            "facility": (
                "the emergency department",
                "the [general|university] hospital",
                "local family practices",
            ),
            "group": (
                "patients with chronic conditions",
                "families with young children",
                "patients from rural areas",
            ),
            "issue": (
                "a shortage of nurses",
                "rising winter admissions",
                "long waits for diagnostic scans",
            ),
        },
        orgs=(
            "the {stem} Health Trust",
            "{City} General Hospital",
            "the {stem} Medical Foundation",
        ),
        roles1=(
            Role("chief medical officer at {org}"),
            Role("director of {org}"),
            Role("head of emergency medicine at {org}"),
        ),
        roles2=(
            Role("a representative of the nurses' union"),
            Role("a health policy researcher at the {stem2} Institute"),
            Role("chair of the {city} Patients' Council"),
        ),
    ),
    "trade": Topic(
        key="trade",
        headlines=(
            "{Org} to [build|open] {project} in {city}, creating {count} jobs",
            "Exports through {city} [hit record|jump] as {project} [opens|expands]",
            "{City} [lands|wins] {amount} investment in {project}",
        ),
        leads=(
            "{Org} will invest {amount} in {project} in {city}, the company said on {weekday}, bringing about {count} jobs to the area.",
            "Shipments through {city} rose by {pct} percent in the first half of the year, helped by {project} that opened in {year}.",
            "A [long-running|protracted] dispute over {project} in {city} ended on {weekday} when regional officials approved the plans.",
        ),
        details=(
            "Production is due to start in {next_year}, with an initial output of about {count2} units a year.",
            "{Org2} will supply [components|steel|packaging] under a [five-year|long-term] agreement.",
            "{Metric} has grown every year since {year}, according to the regional chamber of commerce.",
            "The site covers [40|65|90] hectares of former industrial land that has stood empty for more than a decade.",
            "Most of the output will be exported, with [Asian|European|North American] markets accounting for the largest share.",
            "Local officials offered tax relief worth {amount2} spread over ten years to secure the deal.",
            "{Group} expect the investment to support [hundreds of|many] further jobs among suppliers.",
            "Training places will be created with the [technical college|vocational school] in {city}.",
        ),
        quotes=(
            "We looked at sites in [five|six] countries, and {city} offered the best combination of skills and transport links",
            "This is a vote of confidence in the people of this region",
            "Our order books are full for the next two years, and we need the capacity now",
            "We want to be [part of|rooted in] the community, not just another plant on the edge of town",
        ),
        critic_quotes=(
            "The tax breaks are generous, and the public deserves to see exactly what it gets in return",
            "We have heard promises of thousands of jobs before; we will judge the company by its payroll",
            "The extra lorry traffic will go straight through residential streets",
        ),
        vocab={
            "project": (
                "[a battery|a component|an electric-bus] factory",
                "a new container terminal",
                "the {stem} logistics hub",
                "a [food-processing|pharmaceutical] plant",
            ),
            "metric": (
                "container traffic through the port",
                "manufacturing output in the region",
                "the value of regional exports",
            ),
            "facility": (
                "the port",
                "the [eastern|northern] industrial estate",
                "the freight rail terminal",
            ),
            "group": ("local suppliers", "small manufacturers", "business associations"),
            "issue": (
                "the size of the subsidies",
                "the extra lorry traffic",
                "the use of farmland",
            ),
        },
        orgs=("{stem} Industries", "{stem} Logistics", "{stem} Manufacturing Group"),
        roles1=(
            Role("chief executive of {org}"),
            Role("chief operating officer at {org}"),
            Role("regional economy minister"),
        ),
        roles2=(
            Role("an economist at {stem2} Bank"),
            Role("head of the {city} Chamber of Commerce"),
            Role("an official of the metalworkers' union"),
        ),
    ),
    "technology": Topic(
        key="technology",
        headlines=(
            "{City} start-up {org} raises {amount} for {project}",
            "[Data centre|Chip plant] plans [divide|split] {city} over {issue}",
            "{Org} [opens|launches] {project} in {city}",
        ),
        leads=(
            "{Org}, a young company based in {city}, said on {weekday} that it had raised {amount} from investors to expand {project}.",
            "Plans for {project} in {city} have [drawn criticism|met resistance] from residents worried about {issue}.",
            "{Org} opened {project} in {city} this week, the latest sign of the city's ambitions as a technology hub.",
        ),
        details=(
            "The company employs about {count2} people and plans to [double|triple] its headcount within {months} months.",
            "{Org2} led the funding round, with participation from several existing investors.",
            "The facility will draw up to [30|45|60] megawatts of power, roughly as much as a small town.",
            "Engineers say {metric} has improved by {pct} percent since the first version was tested in {year}.",
            "Customers so far include [hospitals|logistics firms|local councils] and [two|three] regional banks.",
            "Waste heat from the servers will be piped into {facility} under an agreement with the city.",
            "The city has offered cheap office space and grants to attract [software developers|engineers] from abroad.",
            "A public hearing on the plans is scheduled for next month.",
        ),
        quotes=(
            "We started with four people in a borrowed office, and now we have customers on three continents",
            "The talent is here; what young companies have lacked is patient capital",
            "We have committed to running the site on renewable electricity from the first day",
            "Our aim is to keep the research and the jobs in this region",
        ),
        critic_quotes=(
            "The water and power this site needs have to come from somewhere, and nobody has told us where",
            "Grants for tech firms are fine, but they do little for the people already living here",
            "It is still unclear who owns the data and who is responsible when something goes wrong",
        ),
        vocab={
            "project": (
                "a [new|second] data centre",
                "its [logistics|medical imaging|translation] software platform",
                "a research lab for [battery chemistry|sensor technology]",
                "the {stem} [chip design|robotics] centre",
            ),
            "metric": (
                "the accuracy of the system",
                "processing speed",
                "energy use per calculation",
            ),
            "facility": (
                "a [nearby|municipal] heating network",
                "the [old|former] harbour district",
                "the university campus",
            ),
            "group": ("young engineers", "residents near the site", "small software firms"),
            "issue": (
                "water and power use",
                "noise from cooling equipment",
                "the loss of green space",
            ),
        },
        orgs=("{stem} Labs", "{stem} Systems", "{stem}AI"),
        roles1=(
            Role("co-founder and chief executive of {org}"),
            Role("chief technology officer at {org}"),
            Role("head of the city's digital office"),
        ),
        roles2=(
            Role("a researcher at the {stem2} Institute of Technology"),
            Role("a local councillor for the Green Party"),
            Role("a venture investor at {stem2} Capital"),
        ),
    ),
    "agriculture": Topic(
        key="agriculture",
        headlines=(
            "Farmers near {city} [count the cost of|struggle with] {issue}",
            "{Project} [offers hope|brings relief] to growers [around|near] {city}",
            "[Harvest|Yields] [fall|slump] by {pct}% [in|around] {city} region",
        ),
        leads=(
            "Farmers around {city} expect this year's harvest to be about {pct} percent below average after {issue}, regional officials said on {weekday}.",
            "A {amount} programme to support growers near {city} was launched on {weekday}, including {project}.",
            "{Group} in the {city} region are [switching crops|changing how they farm] as {issue} becomes harder to ignore.",
        ),
        details=(
            "The regional farmers' association estimates losses of {amount2} across [roughly|about] {count} farms.",
            "{Metric} has fallen in [four|five] of the last six years, according to the agriculture ministry.",
            "Under the scheme, growers can apply for grants covering up to {pct2} percent of the cost of new equipment.",
            "Some farms are experimenting with [drought-resistant varieties|drip irrigation|cover crops] supplied by {org2}.",
            "Prices for [wheat|olives|grapes|potatoes] at the regional market rose sharply in the [spring|summer] as supplies tightened.",
            "{Facility} has been operating at reduced capacity since [July|August] because of low water levels.",
            "Agronomists say the soil in the area needs several years to recover after repeated dry seasons.",
            "Applications for the programme open next month and will be processed by {org}.",
        ),
        quotes=(
            "My family has farmed this land for four generations, and we have never seen a season like this",
            "The money will help, but what farmers really need is reliable water",
            "We are learning to farm with less, because we have no choice",
            "Every farm that closes is a farm that never comes back",
        ),
        critic_quotes=(
            "Emergency payments every year are not a strategy",
            "Large producers get most of the support while small family farms get the paperwork",
            "The region is still growing crops that need far more water than it has",
        ),
        vocab={
            "project": (
                "a shared irrigation reservoir",
                "the {stem} [seed bank|co-operative cold store]",
                "an advisory service for [young farmers|organic growers]",
                "a scheme to restore [hedgerows|field drainage]",
            ),
            "metric": (
                "average rainfall during the growing season",
                "the number of working farms",
                "the yield per hectare",
            ),
            "facility": (
                "the regional grain store",
                "the [main|central] irrigation canal",
                "the co-operative dairy",
            ),
            "group": ("smallholders", "young farmers", "fruit growers"),
            "issue": (
                "a [long|prolonged] dry spell",
                "[late|unexpected] spring frosts",
                "a plant disease spreading through orchards",
            ),
        },
        orgs=("the {stem} Farmers' Co-operative", "the regional agriculture agency", "{stem} Agri"),
        roles1=(
            Role("chair of {org}"),
            Role("regional agriculture commissioner"),
            Role("a farmer who grows [wheat|barley|vegetables] near {city}"),
        ),
        roles2=(
            Role("a soil scientist at the {stem2} Agricultural Institute"),
            Role("a spokesperson for the small farmers' union"),
            Role("a water management expert at {stem2} University"),
        ),
    ),
    "environment": Topic(
        key="environment",
        headlines=(
            "{City} [unveils|adopts] {amount} plan to [tackle|reduce] {issue}",
            "[Scientists|Researchers] warn {issue} in {city} is [worsening|getting worse]",
            "{Project} [gets green light|approved] in {city}",
        ),
        leads=(
            "{City} will spend {amount} over the next {months} months on {project}, officials said on {weekday}, in response to {issue}.",
            "A study published on {weekday} found that {metric} in {city} has [worsened|deteriorated] markedly since {year}.",
            "Environmental groups in {city} welcomed the approval of {project} but said it came [years too late|far too late].",
        ),
        details=(
            "{Metric} exceeded the legal limit on {days} days last year, according to monitoring stations run by {org}.",
            "The plan includes planting [12,000|25,000|40,000] trees and creating [new wetlands|green corridors] along the river.",
            "About {pct} percent of the funding will come from national and European programmes.",
            "Researchers from {org2} took [water|air|soil] samples at [30|45|60] sites across the city over two years.",
            "{Facility} will be [closed|restricted] to [heavy vehicles|through traffic] from next spring.",
            "The measures are expected to cut {metric} by {pct2} percent by {next_year}.",
            "Volunteers have removed [several tonnes|more than 20 tonnes] of rubbish from the riverbanks since the spring.",
            "{Group} will be asked to take part in a [public consultation|series of workshops] before the final plan is adopted.",
        ),
        quotes=(
            "We cannot ask people to breathe this air for another decade while we debate the details",
            "Nature is the cheapest flood defence we have, and we are finally using it",
            "The data leave no room for doubt about where the pollution comes from",
            "This is a plan for the next generation, not the next election",
        ),
        critic_quotes=(
            "The targets are welcome, but there is no money set aside for the later years",
            "Restrictions on traffic will hit people who cannot afford a new car",
            "Planting trees is easy; keeping them alive through dry summers is not",
        ),
        vocab={
            "project": (
                "[a network of|new] low-emission zones",
                "a river restoration scheme",
                "the {stem} urban forest",
                "a flood protection programme",
            ),
            "metric": (
                "the concentration of fine dust",
                "nitrogen dioxide pollution",
                "the level of microplastics in the river",
            ),
            "facility": (
                "the inner ring road",
                "the [old|historic] city centre",
                "the industrial harbour",
            ),
            "group": ("residents", "schools and sports clubs", "local businesses"),
            "issue": ("air pollution", "[repeated|recurring] flooding", "the loss of green space"),
        },
        orgs=(
            "the {City} Environment Agency",
            "the {stem} Conservation Trust",
            "the regional environment office",
        ),
        roles1=(
            Role("head of environment policy for {city}"),
            Role("director of {org}"),
            Role("lead author of the study"),
        ),
        roles2=(
            Role("a campaigner with {stem2} Clean Air"),
            Role("a hydrologist at the {stem2} Institute"),
            Role("a spokesperson for the motorists' association"),
        ),
    ),
    "housing": Topic(
        key="housing",
        headlines=(
            "{City} [plans|approves] {count} new homes [in|on] {project}",
            "Rents in {city} [climb|jump] {pct}% as [supply|housing] shortage deepens",
            "[Tenants|Residents] [protest|rally] against {issue} in {city}",
        ),
        leads=(
            "City officials in {city} approved plans on {weekday} for {project}, which will include about {count} homes, a third of them at below-market rents.",
            "Average rents in {city} rose by {pct} percent over the past year, the fastest increase since {year}, according to a report by {org}.",
            "Hundreds of tenants marched through {city} on {weekday} to protest against {issue}.",
        ),
        details=(
            "{Metric} now takes up [more than 40 percent|nearly half] of a typical household's income, the report found.",
            "The development will be built on the site of {facility}, which closed in {year}.",
            "Construction is due to begin next year and be completed in [three|four] phases by {next_year}.",
            "{Org2} will build and manage the [affordable|social] housing part of the scheme.",
            "Only {count2} new homes were completed in the city last year, well short of the official target.",
            "The plan also includes a school, a health centre and [a park|green courtyards] for residents.",
            "Rules on short-term holiday lets were tightened last year, but campaigners say enforcement remains weak.",
            "The city estimates the total investment at {amount}, most of it from private developers.",
        ),
        quotes=(
            "Young families are leaving the city because they cannot find anywhere to live, and that has to stop",
            "We are building homes for nurses, teachers and bus drivers, the people who keep the city running",
            "The market alone will not solve this; the city has to build",
            "We want a neighbourhood, not just blocks of flats",
        ),
        critic_quotes=(
            "Below-market rent still means more than most people here can afford",
            "The existing residents were never asked what they wanted for their neighbourhood",
            "Every year the city announces a plan, and every year rents go up again",
        ),
        vocab={
            "project": (
                "the redevelopment of the [old|former] {stem} [brewery|rail yards|barracks] site",
                "a new district on the [eastern|northern] edge of the city",
                "the {stem} Quarter",
                "a [mixed-use|car-free] neighbourhood near the river",
            ),
            "metric": ("rent", "the cost of housing", "the average price per square metre"),
            "facility": (
                "a [disused|former] freight depot",
                "an old hospital",
                "a [closed|derelict] factory",
            ),
            "group": ("tenants", "young families", "students"),
            "issue": ("rising rents", "evictions", "the spread of short-term holiday rentals"),
        },
        orgs=(
            "the {stem} Housing Association",
            "{stem} Developments",
            "the {City} Urban Planning Office",
        ),
        roles1=(
            Role("head of urban development for {city}"),
            Role("managing director of {org}"),
            Role("chief planner at {org}"),
        ),
        roles2=(
            Role("a spokesperson for the {city} Tenants' Union"),
            Role("a housing economist at {stem2} University"),
            Role("a resident of the neighbourhood"),
        ),
    ),
    "culture": Topic(
        key="culture",
        headlines=(
            "{Project} [draws|attracts] record crowds in {city}",
            "{City} [reopens|unveils] {facility} after {amount} [renovation|restoration]",
            "[Artists|Musicians] [return|flock] to {city} for {project}",
        ),
        leads=(
            "More than {count} visitors attended {project} in {city} over the weekend, organisers said on {weekday}, a record for the event.",
            "{Facility} in {city} reopened to the public on {weekday} after a {amount} renovation that took {months} months.",
            "{Project} opened in {city} on {weekday} with [a programme|a line-up] that organisers describe as the most ambitious in its history.",
        ),
        details=(
            "The programme features [more than 200|about 150|nearly 300] events across [12|15|20] venues, many of them free.",
            "Ticket sales rose by {pct} percent compared with last year, according to {org}.",
            "The restoration uncovered [ceiling paintings|original floor tiles|a medieval wall] that had been hidden for [decades|more than a century].",
            "{Org2} lent [several|more than 30] works for the [opening|main] exhibition.",
            "Hotels in the city reported occupancy of nearly {pct2} percent during the festival week.",
            "A new education programme will bring about {count2} schoolchildren to the venue each year.",
            "{Group} have complained that the event is becoming too commercial.",
            "The final concert will be broadcast live on regional television.",
        ),
        quotes=(
            "We wanted people who have never set foot in a museum to feel this place belongs to them",
            "Culture is not a luxury for this city; it is how we tell the world who we are",
            "The response from the public has exceeded everything we hoped for",
            "We have kept prices low because we want families to come back again and again",
        ),
        critic_quotes=(
            "Local artists are being priced out of the very event that was created for them",
            "The money would have done more good in the neighbourhood libraries",
            "Big names bring crowds, but they leave little behind once the festival is over",
        ),
        vocab={
            "project": (
                "the {stem} [Jazz|Film|Literature] Festival",
                "a [major|new] retrospective of [photography|contemporary painting]",
                "the city's [summer|annual] street theatre festival",
            ),
            "metric": ("visitor numbers", "ticket sales", "hotel bookings"),
            "facility": ("the municipal theatre", "the {stem} Museum", "the old concert hall"),
            "group": ("local residents", "independent galleries", "some long-time visitors"),
            "issue": ("rising ticket prices", "noise complaints", "funding cuts"),
        },
        orgs=("the {stem} Foundation", "the {City} Arts Council", "the {stem} Festival Company"),
        roles1=(
            Role("artistic director of {org}"),
            Role("director of {org}"),
            Role("head of culture for {city}"),
        ),
        roles2=(
            Role("a painter who has lived in {city} for 30 years"),
            Role("a music critic"),
            Role("a member of the city council's culture committee"),
        ),
    ),
    "sports": Topic(
        key="sports",
        headlines=(
            "{City} [to host|wins bid to host] {project}",
            "{Org} [unveils|presents] plans for {amount} {facility}",
            "[Record field|Thousands] [expected|set] for {project} in {city}",
        ),
        leads=(
            "{City} will host {project} in {next_year}, organisers announced on {weekday}, beating [two|three] rival bids.",
            "{Org} presented plans on {weekday} for a {amount} redevelopment of its home ground in {city}.",
            "About {count} runners and cyclists are expected in {city} for {project} this weekend, organisers said.",
        ),
        details=(
            "The event is expected to bring about {amount2} into the local economy, according to a study commissioned by {org}.",
            "Capacity will rise to [24,000|31,000|42,000] seats, with a new roof over the [main|east] stand.",
            "Roads in the city centre will be closed from early morning until [mid-afternoon|late afternoon] on race day.",
            "{Metric} has grown by {pct} percent since {year}, with women making up a [growing|record] share.",
            "{Org2} has signed on as main sponsor for the next [three|five] seasons.",
            "Training pitches and a youth academy will be built next to the stadium.",
            "Volunteers are still needed for [marshalling|first aid|the finish area], organisers said.",
            "{Group} have asked for guarantees that public facilities will remain open during construction.",
        ),
        quotes=(
            "We want this to be a celebration for the whole city, not just for the athletes",
            "Our supporters have waited a long time for a ground that matches their ambition",
            "The course is fast, and I would not be surprised to see a record fall",
            "Sport brings people together in a way very little else does",
        ),
        critic_quotes=(
            "Public money should go to community sports halls, not to a professional club's stadium",
            "Residents near the course are tired of being locked in their streets every spring",
            "The promised economic boost rarely shows up in the figures afterwards",
        ),
        vocab={
            "project": (
                "the {stem} [Marathon|Half Marathon]",
                "the [European|regional] [rowing|cycling|swimming] championships",
                "a [stage of the|round of the] international cycling tour",
            ),
            "metric": ("the number of registered participants", "club membership", "attendance"),
            "facility": ("stadium", "sports complex", "indoor arena"),
            "group": ("amateur clubs", "neighbouring residents", "school sports associations"),
            "issue": ("road closures", "the cost of the stadium", "ticket prices"),
        },
        orgs=("{City} Athletic Club", "{stem} United", "the {stem} Sports Association"),
        roles1=(
            Role("president of {org}"),
            Role("race director"),
            Role("chief executive of {org}"),
        ),
        roles2=(
            Role("a spokesperson for the local supporters' club"),
            Role("a sports economist at {stem2} University"),
            Role("a former national champion"),
        ),
    ),
}

BACKGROUND = (
    "{City} has a population of about [600,000|850,000|1.2 million|400,000] and is one of the [largest|fastest-growing] cities in {country}.",
    "The [region|area] has [struggled|had difficulty] with {issue} for years, and earlier plans [stalled|were shelved] in {year}.",
    "A similar [scheme|initiative] in another part of {country} was [scaled back|abandoned] after costs [rose|doubled].",
    "The project was first proposed in {year} but [was delayed by|ran into] [legal challenges|a funding dispute|the pandemic].",
    "Officials have been under pressure to act since a [critical|damning] report on {issue} was published last year.",
    "The plans form part of a wider strategy to [modernise|revive] the [local economy|city] by {next_year}.",
    "{Org} was founded in [1987|1994|2003|2011] and [employs about|has a workforce of about] [300|1,200|4,500] people.",
    "Opposition parties on the council have [questioned|criticised] the timetable and asked for an independent review.",
    "The [council|city] [considered|looked at] a [similar|comparable] idea in {year} [but shelved it|without ever taking a decision].",
    "[According to city hall|City officials say] [more than 400|around 250] [complaints|letters] on the subject have arrived [this year alone|since January].",
    "The [metropolitan area|surrounding region] has been growing [for years|for more than a decade], [driven largely by young families moving in|helped by new jobs].",
)

NUMBERS = (
    "According to {org}, {metric} [rose|increased] by {pct} percent last year.",
    "The total cost is estimated at {amount}, of which {amount2} has already been committed.",
    "[Roughly|About|Some] {count} people [are expected to|will] benefit directly, officials said.",
    "A survey of {count2} residents found that {pct2} percent supported the plans, while a third were undecided.",
    "Figures published in {year} put the number at [less than half|about two thirds] of today's level.",
    "Officials expect the first results within {months} months.",
    "[Per head|Per resident], that works out at [just under|just over] ${pct2} [a year|annually].",
    "[By comparison|For comparison], the figure in {year} was [roughly half|well below] today's level.",
    "[Independent|Outside] estimates put the [final|eventual] bill [closer to|nearer] {amount2} higher than the official figure.",
)

CONTEXT = (
    "[Across|Throughout] {country}, [cities|regions] are [facing|grappling with] similar questions about {issue}.",
    "{Group} [have long argued|have argued for years] that the city [moves too slowly|does not listen].",
    "[Experts|Analysts] say the outcome will be [closely watched|followed closely] by other cities in {country}.",
    "The debate has [divided|split] the council along familiar lines.",
    "Critics point out that {issue} was [already|first] flagged in an official report [years ago|in {year}].",
    "Public meetings on the subject have regularly [filled|overflowed] the council chamber.",
    "Supporters say the plan could serve as a model for [the rest of|other regions in] {country}.",
    "The [national|central] government has so far stayed out of the dispute.",
    "[Similar|Comparable] [schemes|projects] in [Scandinavia|the Netherlands|Switzerland] are often [held up|cited] as [a model|proof that it can work].",
    "On social media, the [subject|issue] has [sparked|provoked] [heated|lively] debate.",
    "[Business groups|Employers' associations] have [called for|demanded] [clearer timelines|more certainty].",
)

OUTLOOK = (
    "A final decision on the [second|next] phase is expected [in the autumn|next year|by the end of {next_year}].",
    "{Org} said it would publish [progress reports|updated figures] every six months.",
    "The council will [debate|vote on] the [budget|proposal] at its next [meeting|session].",
    "[Work|Construction] is scheduled to [start|begin] [in the spring|next summer|early next year].",
    "{P2_last} said [the group|they] would [keep up the pressure|continue to campaign] until [its concerns|their demands] were met.",
    "Officials promised [a public hearing|an information evening] for residents [before the end of the month|in the coming weeks].",
    "Whether the [plan|project] can be delivered on time and on budget remains to be seen.",
    "[A first review|An interim report] is [due|expected] [in the spring|after the summer break].",
    "[If there are further delays|Should the timetable slip], [costs could rise again|some of the funding could be lost].",
)

REACTIONS = (
    "Not everyone is convinced. {P2}, {p2_role}, said {group} had [raised concerns|repeatedly warned] about {issue}.",
    "{P2}, {p2_role}, [welcomed|cautiously welcomed] the [announcement|decision] but [warned|cautioned] that details were still missing.",
    "[Reaction|The response] from {group} was mixed.",
    "{P3}, {p3_role}, said the [plans|proposals] [went in the right direction|were long overdue].",
    "[Opponents|Critics] have [collected|gathered] more than {count2} signatures [against|opposing] the plans.",
    "{P2_last} argued that {issue} deserved more attention than it had received.",
    "Even [supporters|backers of the plan] [concede|acknowledge] that [many questions remain open|the timetable is ambitious].",
    "{P3} [called it|described the decision as] [an important signal|a good day for the city|a step that was long overdue].",
)

QUOTE_FORMS = (
    "“{q},” {name}, {role}, said.",
    "“{q},” said {name}, {role}.",
    "{name}, {role}, said: “{q}.”",
    "“{q},” {last} [told reporters|said in a statement|said at a news conference].",
    "“{q},” {last} said.",
)

INSERTED = (
    "This article has been updated with comments from {org}.",
    "[Earlier this year|Last month], {outlet} reported on [similar|related] concerns raised by {group}.",
    "The announcement comes as [councils|authorities] across {country} face tight budgets and rising costs.",
    "{Org} did not respond to a request for further comment by the time of publication.",
)

HEADLINE_EDITS = (
    "UPDATE: {h}",
    "{h} – report",
    "{h}, officials say",
    "Explainer: {h}",
    "{h} (updated)",
)

WORD_SWAPS = (
    (" said.", " told reporters."),
    ("about ", "around "),
    (" percent", "%"),
    (" on Monday", ""),
    ("officials", "authorities"),
    ("expected", "projected"),
    ("plans", "proposals"),
)

BOILER = Boilerplate(
    sections=(
        "Home",
        "News",
        "Business",
        "Politics",
        "World",
        "Sport",
        "Culture",
        "Opinion",
        "Weather",
        "Podcasts",
    ),
    advert="Advertisement",
    advert_texts=(
        "Save up to 40% on your home energy plan – compare offers now",
        "Subscribe for just $1 a week. Cancel anytime.",
        "New SUV lease deals: drive away this weekend",
        "Free delivery on your first grocery order",
    ),
    related="Related stories",
    most_read="Most read",
    newsletter="Get the morning briefing in your inbox. Sign up for our free newsletter.",
    subscribe="Subscribe",
    cookie="We use cookies to improve your experience and to show you personalised ads. By continuing you agree to our cookie policy.",
    accept="Accept all",
    share=("Share on Facebook", "Share on X", "Email this article", "Copy link"),
    read_also="Read more:",
    comments="{n} comments",
    footer=(
        "About us",
        "Contact",
        "Advertise with us",
        "Privacy policy",
        "Terms of use",
        "Careers",
        "Corrections",
    ),
    rights="© {year} {outlet}. All rights reserved.",
    menu="Open Menu",
    scrape_tail=(
        "Share this story",
        "Related Topics",
        "Comments",
        "Subscribe to our newsletter",
        "Back to top",
    ),
    tags="Tags:",
    photo="Photo: {name}",
    updated="Updated {time}",
    skip="Skip to main content",
    search="Search",
    login="Sign in",
    weather="Weather: {t}°C, partly cloudy",
    editor_note="Editor's note: this story first appeared on a partner site and is republished by {outlet}.",
)

VARIANTS = (
    (r"\bsaid\b", ("said", "noted", "stated")),
    (r"\babout (?=[\d$])", ("about ", "around ", "roughly ", "some ")),
    (r"(\d) percent\b", (r"\1 percent", r"\1 per cent", r"\1%")),
    (r"\bofficials\b", ("officials", "authorities")),
    (r"\bresidents\b", ("residents", "locals", "inhabitants")),
    (r"\bthe plans\b", ("the plans", "the proposals")),
    (r"\bscheme\b", ("scheme", "project", "programme")),
    (r"\bcritics\b", ("critics", "opponents", "sceptics")),
    (r"\bCritics\b", ("Critics", "Opponents", "Sceptics")),
    (r"\bwarned\b", ("warned", "cautioned")),
    (
        r"(?<!with )(?<!than )\blast year\b",
        ("last year", "in the past year", "over the previous year"),
    ),
    (r"\bnext year\b", ("next year", "in the coming year")),
    (r"\bnearly\b", ("nearly", "almost")),
    (r"\bmore than\b", ("more than", "over")),
    (r"\bcurrently\b", ("currently", "at present")),
    (r"\bregion\b", ("region", "area")),
    (r"\bexpected to\b", ("expected to", "set to", "likely to")),
    (r"\bthe city\b(?! centre)", ("the city", "the municipality")),
)

PACK = LanguagePack(
    code="en",
    name="English",
    first_m=(
        "James",
        "Daniel",
        "Oliver",
        "Thomas",
        "Samuel",
        "Marcus",
        "Peter",
        "Andrew",
        "Michael",
        "Ryan",
        "Simon",
        "Nathan",
        "Liam",
        "Owen",
        "Connor",
        "Kwame",
        "Rohan",
        "Hiroshi",
    ),
    first_f=(
        "Sarah",
        "Emily",
        "Rachel",
        "Laura",
        "Hannah",
        "Claire",
        "Megan",
        "Olivia",
        "Grace",
        "Alice",
        "Fiona",
        "Naomi",
        "Ruth",
        "Joanna",
        "Kate",
        "Priya",
        "Amara",
        "Ingrid",
    ),
    last=(
        "Whitfield",
        "Harrow",
        "Pembury",
        "Calloway",
        "Ashdown",
        "Brennan",
        "Fairley",
        "Hollis",
        "Kingsley",
        "Lockwood",
        "Marsh",
        "Norcott",
        "Prescott",
        "Ridley",
        "Stanhope",
        "Thorne",
        "Underhill",
        "Westbrook",
        "Yardley",
        "Ellery",
        "Dunmore",
        "Carver",
        "Blakemore",
        "Ainsley",
        "Garrity",
        "Hadley",
        "Merrick",
        "Okafor",
        "Mensah",
        "Desai",
        "Tanaka",
        "Alvarez",
        "Kowalski",
        "Lindqvist",
        "Osei",
        "Rahman",
    ),
    feminine_last=lambda name: name,
    org_stems=(
        "Halvern",
        "Norvik",
        "Castellan",
        "Brightwater",
        "Kestrel",
        "Aldmoor",
        "Silverline",
        "Oakridge",
        "Redhaven",
        "Larkspur",
        "Thornbury",
        "Greyfield",
        "Ashcombe",
        "Wexmoor",
        "Fernhill",
        "Stonebridge",
        "Marlowe",
        "Copperleaf",
    ),
    topics=TOPICS,
    background=BACKGROUND,
    numbers=NUMBERS,
    context=CONTEXT,
    outlook=OUTLOOK,
    reactions=REACTIONS,
    quote_forms=QUOTE_FORMS,
    inserted=INSERTED,
    headline_edits=HEADLINE_EDITS,
    word_swaps=WORD_SWAPS,
    byline="By {authors}",
    and_word="and",
    dateline_forms=(
        "{place} ({agency}) — ",
        "{place}, {date} ({agency}) - ",
        "{place}, ({agency} - {date}) ",
        "{place} — ",
    ),
    scrape_published="{authors} Published {date} | {time}",
    boiler=BOILER,
    format_date=format_date,
    format_time=format_time,
    format_short_date=format_short_date,
    format_number=format_number,
    format_money=format_money,
    variants=VARIANTS,
    weekdays=("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
)
