"""The demo corpus, as written by the storylens team: fictional events, places, people and outlets.

Each story is told by several outlets; `tools/make_demo_corpus.py` renders every article as the
page its outlet would publish (HTML with navigation, related links and captions, or a plain-text
scrape of such a page) into `src/storylens/demo/corpus/`, with `gold.json` beside it.
Planted on purpose: a wire story republished almost verbatim by two outlets (bridge), quotes
worded differently (bridge, layoffs), a name spelled two ways (ferry strike), numbers that differ
(bridge injured, layoffs jobs), and a denial of another outlet's claim (museum).
"""

WIRE_BRIDGE = [
    "Part of the Harlow Bridge in Port Averly collapsed on Tuesday evening, sending two cars into the "
    "Senn river and injuring 12 people, emergency services said.",
    "Rescue crews pulled four people from the water within an hour of the collapse, which happened shortly "
    "after 6pm as commuters were heading home.",
    "Mayor Elena Marchetti said the city would open an independent inquiry. \"We owe the families a full and "
    "honest account of what went wrong,\" she told reporters at the scene.",
    "The 62-year-old bridge had been due for repairs next spring, according to city records.",
    "Police closed both approaches to the bridge and asked drivers to avoid the riverside district.",
]

STORIES = {
    "bridge": [
        dict(outlet="Meridian Wire", kind="wire", date="2025-03-11T19:40", byline="Rosa Lindqvist",
             title="Harlow Bridge collapse injures 12 in Port Averly", paras=WIRE_BRIDGE),
        dict(outlet="The Harbour Ledger", kind="ledger", date="2025-03-11T20:05", byline="Meridian Wire",
             title="Harlow Bridge collapse injures 12 in Port Averly",
             paras=WIRE_BRIDGE[:4] + ["Police closed both approaches to the bridge and asked drivers to avoid the "
                                      "riverside district on Tuesday night."]),
        dict(outlet="Valley Post", kind="valley", date="2025-03-11T20:30", byline=None,
             title="Harlow Bridge collapse: 12 hurt as cars fall into the Senn",
             paras=WIRE_BRIDGE[:2] + [WIRE_BRIDGE[2], WIRE_BRIDGE[3],
                                      "Police closed both approaches to the bridge and asked drivers to avoid "
                                      "the riverside district."]),
        dict(outlet="Northgate Courier", kind="courier", date="2025-03-12T07:15", byline="Daniel Okafor",
             title="Inquiry ordered after deadly evening on the Harlow Bridge",
             paras=[
                 "Fourteen people were injured when a span of the Harlow Bridge gave way on Tuesday, hospital "
                 "officials said on Wednesday morning, two more than first reported.",
                 "Mayor Elena Marchetti promised an inquiry. \"We owe these families a complete and honest "
                 "account of what went wrong,\" she said.",
                 "Engineers had warned the council in 2023 that the bridge's steel bearings were corroding, "
                 "according to minutes seen by the Courier.",
                 "Council engineer Pieter Voss said the warning had been acted on. \"Repairs were scheduled, "
                 "and the bridge was inspected in January,\" he said.",
             ]),
        dict(outlet="Eastfield Radio", kind="eastfield", date=None, byline=None,
             title="Divers search the Senn after Harlow Bridge collapse",
             paras=[
                 "Divers searched the Senn river on Wednesday for a third car that witnesses said had fallen "
                 "from the Harlow Bridge.",
                 "Police later said no third vehicle had been found and that all 14 injured people had been "
                 "accounted for.",
                 "Mayor Elena Marchetti visited the injured in hospital. \"We owe the families an honest account "
                 "of what went wrong,\" she said.",
                 "The riverside district remains closed to traffic.",
             ]),
    ],
    "ferry": [
        dict(outlet="The Harbour Ledger", kind="ledger", date="2025-03-17T08:30", byline="Ines Carvalho",
             title="Calloway ferry crews walk out over night shifts",
             paras=[
                 "Ferry crews at Calloway docks began a 48-hour strike on Monday morning, cancelling every "
                 "crossing to Merrow Island.",
                 "Union leader Tomasz Wieczorek said crews had been asked to work night shifts without extra "
                 "pay. \"Nobody takes this decision lightly, but the company left us no choice,\" he said.",
                 "Strait Lines, which runs the service, said it had offered a 4 per cent rise.",
                 "Islanders were advised to expect no sailings until Wednesday.",
             ]),
        dict(outlet="Valley Post", kind="valley", date="2025-03-17T09:10", byline=None,
             title="Merrow Island cut off as ferry strike begins",
             paras=[
                 "Merrow Island was cut off from the mainland on Monday as ferry crews at Calloway docks "
                 "walked out in a row over night shifts.",
                 "Union leader Tomas Wieczorek told the Post: \"Nobody takes this lightly, but the company "
                 "has left us no choice.\"",
                 "Strait Lines said its offer of a 4 per cent pay rise remained on the table.",
                 "The island's only doctor said emergency patients would be flown out by helicopter.",
             ]),
        dict(outlet="Northgate Courier", kind="courier", date="2025-03-17T12:00", byline="Daniel Okafor",
             title="Ferry strike: what islanders need to know",
             paras=[
                 "No ferries will sail between Calloway and Merrow Island until Wednesday after crews went on "
                 "strike on Monday.",
                 "The dispute is over night shifts, which the union says were added to rotas without extra pay.",
                 "Strait Lines chief executive Hannah Brisco said the strike was \"unnecessary and damaging\" "
                 "to islanders.",
                 "Talks between the company and the union are due to resume on Tuesday.",
             ]),
        dict(outlet="Eastfield Radio", kind="eastfield", date=None, byline=None,
             title="Talks to resume in Calloway ferry dispute",
             paras=[
                 "Talks aimed at ending the Calloway ferry strike will resume on Tuesday, the union said.",
                 "Tomasz Wieczorek, who leads the crews' union, said the walkout would go ahead in full "
                 "unless night shifts were withdrawn.",
                 "Strait Lines said it had offered a 4 per cent rise and would not withdraw the new rotas.",
             ]),
    ],
    "museum": [
        dict(outlet="Northgate Courier", kind="courier", date="2025-03-20T10:00", byline="Amara Fenn",
             title="Painting stolen from Averly Museum in overnight raid",
             paras=[
                 "Thieves stole a painting worth an estimated 2 million euros from the Averly Museum in the "
                 "early hours of Thursday, police said.",
                 "The painting, The Salt Harvest by Marit Olander, was cut from its frame in the east gallery.",
                 "Museum director Jonas Hale said staff were \"heartbroken\" and appealed for information.",
                 "The Courier understands the museum has already filed an insurance claim for the painting.",
             ]),
        dict(outlet="The Daily Compass", kind="compass", date="2025-03-20T13:45", byline="Leo Marsh",
             title="Averly Museum denies insurance claim after painting theft",
             paras=[
                 "The Averly Museum has denied reports that it filed an insurance claim for The Salt Harvest, "
                 "the painting stolen from its east gallery on Thursday.",
                 "\"No claim has been made, and none will be made while the police investigation continues,\" "
                 "museum director Jonas Hale said.",
                 "Police said the thieves entered through a skylight and were inside for less than ten minutes.",
                 "The painting by Marit Olander is valued at about 2 million euros.",
             ]),
        dict(outlet="Valley Post", kind="valley", date="2025-03-20T15:20", byline=None,
             title="Skylight raid: how thieves took The Salt Harvest",
             paras=[
                 "Thieves who stole The Salt Harvest from the Averly Museum came in through a skylight and "
                 "were gone in under ten minutes, police said on Thursday.",
                 "Detective Inspector Clara Mbeki said officers were studying footage from nearby streets.",
                 "Museum director Jonas Hale said the museum had made no insurance claim.",
             ]),
        dict(outlet="Eastfield Radio", kind="eastfield", date=None, byline=None,
             title="Police study street footage after Averly Museum theft",
             paras=[
                 "Police investigating the theft of a painting from the Averly Museum are studying footage "
                 "from cameras in nearby streets.",
                 "Detective Inspector Clara Mbeki said two people were seen leaving the area in a grey van "
                 "shortly after 3am on Thursday.",
                 "The Salt Harvest, painted by Marit Olander, was cut from its frame.",
             ]),
    ],
    "flood": [
        dict(outlet="The Harbour Ledger", kind="ledger", date="2025-03-24T06:50", byline="Ines Carvalho",
             title="Red flood warning for Senn valley as river rises",
             paras=[
                 "A red flood warning was issued for the Senn valley early on Monday after two days of heavy rain.",
                 "The river at Dunmore bridge was 3.2 metres above its usual level, the environment agency said.",
                 "Residents of low-lying streets in Dunmore and Eskby were told to move valuables upstairs.",
                 "Agency spokesman Ravi Anand said: \"The next twelve hours are critical.\"",
             ]),
        dict(outlet="Northgate Courier", kind="courier", date="2025-03-24T09:30", byline="Amara Fenn",
             title="Schools shut in Dunmore and Eskby as Senn floods",
             paras=[
                 "Schools in Dunmore and Eskby closed on Monday as the Senn burst its banks after two days of rain.",
                 "The environment agency issued a red warning, its highest, for the whole valley.",
                 "\"The next twelve hours are critical,\" agency spokesman Ravi Anand said.",
                 "Sandbags were being handed out at Eskby fire station.",
             ]),
        dict(outlet="Valley Post", kind="valley", date="2025-03-24T11:05", byline=None,
             title="Senn floods: sandbags handed out as red warning issued",
             paras=[
                 "Sandbags were handed out at Eskby fire station on Monday after a red flood warning was issued "
                 "for the Senn valley.",
                 "The river was more than three metres above its usual level at Dunmore bridge.",
                 "Volunteers helped elderly residents move furniture to upper floors.",
             ]),
        dict(outlet="Eastfield Radio", kind="eastfield", date=None, byline=None,
             title="Senn valley flooding: residents told to prepare",
             paras=[
                 "Residents along the Senn were told to prepare for flooding on Monday as the river kept rising.",
                 "The environment agency's red warning covers Dunmore, Eskby and the villages between them.",
                 "Ravi Anand, speaking for the agency, said the next twelve hours would be critical.",
             ]),
    ],
    "layoffs": [
        dict(outlet="The Daily Compass", kind="compass", date="2025-03-26T08:00", byline="Leo Marsh",
             title="Quillon to cut 300 jobs at Port Averly plant",
             paras=[
                 "The battery maker Quillon will cut 300 jobs at its Port Averly plant, the company said on Wednesday.",
                 "Chief executive Sofia Renner blamed falling orders. \"This is a painful step, but it protects "
                 "the future of the plant,\" she said.",
                 "The plant employs about 1,200 people.",
                 "Union officials said they would fight the cuts.",
             ]),
        dict(outlet="The Harbour Ledger", kind="ledger", date="2025-03-26T09:20", byline="Ines Carvalho",
             title="Quillon job cuts a blow for Port Averly",
             paras=[
                 "Quillon is to cut 350 jobs at its Port Averly battery plant, dealing a blow to the town.",
                 "Chief executive Sofia Renner said: \"This is a painful step, but it secures the future of "
                 "the plant.\"",
                 "The company employs about 1,200 people at the site.",
                 "Mayor Elena Marchetti said the city would help workers find new jobs.",
             ]),
        dict(outlet="Northgate Courier", kind="courier", date="2025-03-26T11:40", byline="Daniel Okafor",
             title="Union vows to fight Quillon cuts",
             paras=[
                 "Union leaders vowed on Wednesday to fight plans by Quillon to cut 300 jobs at its Port Averly plant.",
                 "Regional organiser Beatrix Lomax said the company had received public money to expand the plant "
                 "only two years ago.",
                 "Quillon said falling orders for car batteries had left it no option.",
             ]),
        dict(outlet="Eastfield Radio", kind="eastfield", date=None, byline=None,
             title="Quillon workers react to job cuts",
             paras=[
                 "Workers at Quillon's Port Averly plant said they were shocked by the company's plan to cut "
                 "300 jobs.",
                 "One worker, who did not want to be named, said staff had learned of the cuts from the news.",
                 "Sofia Renner, Quillon's chief executive, said the cuts would protect the future of the plant.",
             ]),
    ],
    "election": [
        dict(outlet="Valley Post", kind="valley", date="2025-03-28T23:50", byline=None,
             title="Ada Quist elected mayor of Brindle",
             paras=[
                 "Ada Quist was elected mayor of Brindle on Friday night, winning 54 per cent of the vote.",
                 "Her rival, the sitting mayor Gregor Tamm, conceded shortly before midnight.",
                 "\"Brindle voted for change, and change is what we will deliver,\" Ms Quist told supporters.",
                 "Turnout was 61 per cent, the highest in twenty years.",
             ]),
        dict(outlet="The Daily Compass", kind="compass", date="2025-03-29T08:15", byline="Leo Marsh",
             title="Quist wins Brindle mayoral race on record turnout",
             paras=[
                 "Ada Quist won the race for mayor of Brindle with 54 per cent of the vote on a turnout of "
                 "61 per cent.",
                 "Gregor Tamm, who had been mayor for eight years, conceded defeat late on Friday.",
                 "Ms Quist promised to build 2,000 homes by the end of her term.",
             ]),
        dict(outlet="Northgate Courier", kind="courier", date="2025-03-29T10:00", byline="Amara Fenn",
             title="Brindle's new mayor sets out first 100 days",
             paras=[
                 "Brindle's new mayor, Ada Quist, said on Saturday her first act would be to freeze parking charges.",
                 "Ms Quist won Friday's election with 54 per cent of the vote.",
                 "\"Brindle voted for change and we will deliver it,\" she said.",
             ]),
        dict(outlet="Eastfield Radio", kind="eastfield", date=None, byline=None,
             title="Tamm concedes as Quist takes Brindle",
             paras=[
                 "Gregor Tamm conceded the Brindle mayoral election on Friday night after eight years in office.",
                 "Mr Tamm said he wished Ada Quist well and would not stand again.",
                 "Turnout was the highest in twenty years.",
             ]),
    ],
    "wildfire": [
        dict(outlet="Northgate Courier", kind="courier", date="2025-04-02T14:20", byline="Daniel Okafor",
             title="Hundreds evacuated as wildfire spreads on Kessock Hills",
             paras=[
                 "About 400 people were evacuated from villages below the Kessock Hills on Wednesday as a "
                 "wildfire spread across dry moorland.",
                 "Fire chief Mirela Dragan said strong winds were pushing the flames east. \"We are fighting "
                 "this fire on three fronts,\" she said.",
                 "An emergency shelter has opened at Kessock community hall.",
             ]),
        dict(outlet="The Harbour Ledger", kind="ledger", date="2025-04-02T16:00", byline="Ines Carvalho",
             title="Kessock wildfire: villages emptied as winds fan flames",
             paras=[
                 "Villages below the Kessock Hills were emptied on Wednesday as winds fanned a wildfire across "
                 "the moorland.",
                 "\"We are fighting this fire on three fronts,\" fire chief Mirela Dragan said.",
                 "About 400 residents spent the night at Kessock community hall.",
                 "Walkers were asked to stay away from the hills until further notice.",
             ]),
        dict(outlet="Eastfield Radio", kind="eastfield", date=None, byline=None,
             title="Kessock Hills fire: walkers told to stay away",
             paras=[
                 "Walkers have been told to stay away from the Kessock Hills while firefighters tackle a "
                 "wildfire on the moorland.",
                 "Mirela Dragan, the fire chief, said crews were working on three fronts.",
                 "Police said the cause of the fire was not yet known.",
             ]),
        dict(outlet="Valley Post", kind="valley", date="2025-04-03T08:00", byline=None,
             title="Rain helps crews contain Kessock wildfire",
             paras=[
                 "Overnight rain helped firefighters contain the wildfire on the Kessock Hills, the fire "
                 "service said on Thursday.",
                 "Evacuated residents were allowed to return home from Kessock community hall.",
                 "Fire chief Mirela Dragan said the fire had burned about 300 hectares of moorland.",
             ]),
    ],
    "stadium": [
        dict(outlet="The Daily Compass", kind="compass", date="2025-04-05T18:30", byline="Leo Marsh",
             title="Averly Rovers agree deal for new riverside stadium",
             paras=[
                 "Averly Rovers have agreed a deal with the city to build a 22,000-seat stadium on the old "
                 "docks by the Senn, the club announced on Saturday.",
                 "Club chairman Owen Petrakis called it \"the biggest day in the club's history\".",
                 "Construction is due to start next year and the stadium should open in 2028.",
             ]),
        dict(outlet="Valley Post", kind="valley", date="2025-04-05T19:10", byline=None,
             title="Rovers to move to the docks in stadium deal",
             paras=[
                 "Averly Rovers will leave their home of ninety years for a new stadium on the old docks, "
                 "the club said on Saturday.",
                 "The ground will hold 22,000 fans and open in 2028.",
                 "Chairman Owen Petrakis said: \"This is the biggest day in the history of this club.\"",
             ]),
        dict(outlet="Northgate Courier", kind="courier", date="2025-04-06T09:00", byline="Amara Fenn",
             title="Docks residents question Rovers stadium plan",
             paras=[
                 "Residents near the old docks in Port Averly raised concerns on Sunday about traffic from the "
                 "planned Averly Rovers stadium.",
                 "The 22,000-seat ground is due to open in 2028.",
                 "Mayor Elena Marchetti said a transport plan would be published before building began.",
             ]),
        dict(outlet="The Harbour Ledger", kind="ledger", date="2025-04-06T10:30", byline="Ines Carvalho",
             title="What the Rovers stadium means for Port Averly",
             paras=[
                 "The new Averly Rovers stadium on the old docks will bring 22,000 fans to the riverside on "
                 "match days from 2028.",
                 "The city will sell the land to the club and keep a share of ticket revenue.",
                 "Club chairman Owen Petrakis said the club would fund the building work itself.",
             ]),
    ],
}

RELATED = [
    "Lighthouse keeper retires after forty years on Merrow Island",
    "Port Averly market to open on Sundays from May",
    "Brindle library wins national design award",
    "Senn valley cheese makers celebrate record year",
    "Northgate trams to run all night at weekends",
    "Kessock choir to sing at the harbour festival",
]

CAPTIONS = {
    "bridge": "Rescue boats on the Senn below the broken span of the Harlow Bridge",
    "ferry": "Empty berths at Calloway docks on Monday morning",
    "museum": "The east gallery of the Averly Museum, where the painting hung",
    "flood": "Floodwater on a street in Eskby",
    "layoffs": "The Quillon battery plant in Port Averly",
    "election": "Ada Quist with supporters in Brindle town hall",
    "wildfire": "Smoke over the Kessock Hills on Wednesday",
    "stadium": "The old docks in Port Averly, site of the planned stadium",
}
