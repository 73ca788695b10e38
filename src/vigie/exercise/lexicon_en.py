"""English vocabulary for the synthetic presidential election (all names are fictional).

Same slot layout as ``lexicon_fr``: many independent choices per slot keep accidental
near-duplicates between organic posts rare, so near-duplicate detection is a real test.
"""

from __future__ import annotations

from vigie.exercise.lexicon_fr import _lines

CANDIDATES = (
    ("Ellen Hart", "ellenhart"),
    ("Marcus Dalton", "marcus_dalton"),
    ("Grace Okafor", "graceokafor"),
    ("Ryan Whitfield", "rwhitfield"),
    ("Sofia Reyes", "sofia_reyes"),
)

MEDIA = (
    ("The National Ledger", "nationalledger"),
    ("Capitol Wire", "capitolwire"),
    ("Metro Daily", "metrodaily"),
    ("Heartland Radio", "heartlandradio"),
    ("The Morning Post Online", "morningpostonl"),
    ("Civic Report", "civicreport"),
    ("News24 Live", "news24live"),
    ("Market Watchtower", "marketwatchtwr"),
)

FIRST_NAMES = _lines(
    """
James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard
Susan Joseph Jessica Thomas Sarah Charles Karen Chris Nancy Daniel Lisa Matthew Betty Anthony
Margaret Mark Sandra Donald Ashley Steven Kim Paul Emily Andrew Donna Josh Michelle Kenneth
Carol Kevin Amanda Brian Melissa George Deborah Tim Stephanie Ron Rebecca Jason Laura Jeff
Sharon Ryan Cynthia Jacob Kathleen Gary Amy Nick Shirley Eric Angela Jon Helen Stephen Anna
Larry Brenda Justin Pamela Scott Nicole Brandon Emma Ben Samantha Sam Katie Greg Christine
Maria Jose Luis Carlos Ana Sofia Diego Aisha Malik Jamal Keisha Tyrone Priya Raj Wei Mei
""".replace(" ", "\n")
)

LAST_NAMES = _lines(
    """
Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris
Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill
Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips
Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers
Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson
Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders
Patel Myers Long Ross Foster Jimenez Okafor Dalton Whitfield Hart Washington Jefferson Banks
""".replace(" ", "\n")
)

SUBJECTS = _lines("""
Ellen Hart
Marcus Dalton
Grace Okafor
Ryan Whitfield
Sofia Reyes
the administration
the White House
the incumbent
the Senate majority
the House leadership
the governor
the Hart campaign
the Dalton campaign
Okafor's team
Whitfield's running mate
Reyes's spokesperson
the Supreme Court
the Fed
Congress
the party establishment
the AFL-CIO
big business
Wall Street
the teachers' union boss
the state legislature
the county board
the city council
the attorney general
the secretary of state
the latest poll
every pundit on TV
cable news
the fact-checking desk
the progressive caucus
the conservative caucus
the moderate caucus
the swing-state governor
the suburban PAC
the farm bureau
the nurses' association
the VFW
AARP
the chamber of commerce
the student union
the tech lobby
the oil lobby
the budget office
a new congressional report
the inspector general
the campaign manager
the Hart platform
the Dalton plan
Okafor's proposal
Whitfield's tax plan
the Reyes agenda
the debate commission
the mayor
the sheriff
the county executive
the opposition
""")

VERBS = _lines("""
wants to cut
promises to protect
is going after
refuses to touch
proposes to double
wants to overhaul
completely ignores
finally put a price on
keeps lying about
just discovered
backs
abandons
doubles down on
slams
reopens the fight over
is quietly planning
voted against
voted for
wants to freeze
unveils a plan for
questions
vows to save
sacrifices
is betting everything on
says nothing about
stays vague on
gets it all wrong on
is campaigning on
wants to privatize
wants to expand
commits to
downplays
exaggerates
is improvising on
breaks with the party on
flip-flopped on
gives up on
holds firm on
pours money into
wants to tax
promises to lower
wants to raise
denounces
mocks
skips over
is worried about
buried
wants to revive
calls for a vote on
pitches a compromise on
promises transparency on
covered up the truth about
underestimated
wants to decentralize
recycles an old idea on
finally wakes up on
makes a U-turn on
weaponizes
hits hard on
wants to simplify
promises a shake-up of
offers nothing but slogans on
has a real plan for
has no plan for
is playing games with
reassures voters on
worries people with talk of
steals our ideas on
copies the other side on
wants to modernize
""")

OBJ_HEADS = _lines("""
the future of
funding for
the closure of
the price of
security for
the budget for
the defense of
cuts to
the rising cost of
the repeal of
oversight of
free access to
the privatization of
a freeze on
the modernization of
protections for
the quality of
transparency in
the management of
the state of
the mess in
the scandal around
the crisis in
the recovery of
the transition to
a bailout of
the debt tied to
the deficit in
access to
the shortage of
the collapse of
the decline of
red tape in
the digitization of
the dismantling of
repairs to
the reopening of
the restructuring of
tax breaks for
raises for
a cap on
investment in
subsidies for
the expansion of
the backlog in
""")

OBJ_QUALS = _lines("""
Social Security
rural hospitals
public schools
unemployment benefits
affordable housing
public transit
the postal service
community policing
nuclear power
Amtrak
emergency rooms
bus routes
federal jobs
small businesses
family farms
housing vouchers
the courts
private prisons
state colleges
medical research
teacher salaries
the minimum wage
child tax credits
Medicare
Medicaid
rural clinics
veterans' care
public broadcasting
the national debt
property taxes
sales taxes
income taxes
gas prices
electricity bills
heating oil
rent
apprenticeships
job training
nursing homes
mental health care
maternity wards
police departments
the military
the border
immigration courts
city budgets
the arts
youth sports
nonprofits
county roads
high-speed rail
freight rail
wind farms
solar panels
drinking water
national forests
fisheries
inner cities
rural counties
Puerto Rico
tribal lands
broadband
artificial intelligence
cybersecurity
startups
contractors
main street shops
young farmers
the auto industry
the ports
""")

COMPLEMENTS = _lines("""
starting this fall
without any debate
for the middle class
in Philadelphia
in the middle of the campaign
before election day
by 2032
in Ohio
in Michigan
for working families
at the expense of families
without asking anyone
on the backs of workers
behind closed doors
live tonight
despite the warnings
against expert advice
with a phantom budget
without a single extra dollar
in Arizona
in Atlanta
in Milwaukee
in Phoenix
in Nevada
in North Carolina
in Pittsburgh
in Detroit
in small towns
in our neighborhoods
in the suburbs
to please Wall Street
to calm the protests
three weeks before the vote
for four years now
just like in 2024
as usual
with bogus numbers
with a credible plan
on cable news
at yesterday's rally
on the radio this morning
in an interview with the Ledger
in front of the mayors
in front of the farmers
in front of students
on a podcast
during the debate
in a new book
in the platform
on social media
for 12 billion dollars
for 400 billion dollars
over five years
in a single term
by July
on day one
without any impact study
by executive order
through a ballot measure
with the donors' blessing
against the donors
in the middle of a crisis
at the worst possible time
way too late
to win over young voters
to reassure seniors
while forgetting rural America
without explaining the cost
with empty promises
""")

OPENERS = _lines("""
Honestly,
Unbelievable:
I've been saying this for months:
So if I get this right,
Once again,
No surprise here:
Well.
Wow,
Heads up:
Important:
Reminder:
Quick reminder:
Frankly,
Meanwhile,
Nobody is talking about it but
It's official:
Turns out
Big news:
Wild:
Just learned that
FYI,
Worth remembering:
Anyway,
Oh and by the way,
Let's be clear:
Between us,
Do I need to say it again?
Telling:
Also,
Simple question:
Saw it on the news:
Read in the paper:
According to the Ledger,
Per Heartland Radio,
This morning again,
Last night,
This week,
To sum up:
In plain English,
Did you see this?
What a surprise:
Not a word about this:
In other words,
Fact check:
My take:
For me,
In my humble opinion,
From what I hear,
In my town,
At work everyone says
""")

CLOSERS = _lines("""
Thoughts?
Pathetic.
Finally some good news.
Who pays for it?
Stay tuned.
Vote your conscience.
This should be fun.
Embarrassing.
Well done.
Shameful.
Thanks for nothing.
I can't believe it.
Enough is enough.
Share if you agree.
About time.
What a joke.
We told you so.
Hang in there, folks.
Nothing new.
Scary stuff.
Sad.
Nicely played.
Finally something concrete.
That's the real debate.
Says it all.
Wake up, people.
This is serious.
Hats off.
I'll believe it when I see it.
They think we're stupid.
I'm voting in November, not before.
Zero serious numbers.
Total nonsense.
Change we can believe in?
Still skeptical.
Worth a debate.
Attention undecided voters.
Back to work, everyone.
Nobody's fooled.
The campaign goes on.
Waiting for the rest.
This drives me crazy.
Can't wait for the debate.
My parents are worried.
My kid doesn't get it.
My coworkers are furious.
We can do this.
Too bad.
Good luck to the teams.
Not serious.
Remember this in November.
Makes no sense.
You be the judge.
Have a good night anyway.
Finally someone with guts.
Sad times.
See you at the polls.
A little consistency please.
Sharing, make up your own mind.
Not convinced.
""")

QUESTIONS = _lines("""
Who is actually paying for
Why is nobody talking about
Does anyone understand the plan for
How much does it really cost to fix
Whatever happened to the debate on
When do we get serious about
Who still believes the promises on
What are the candidates proposing for
Has any candidate put numbers on
Who even cares about
Why the silence on
What do you all think about
Seriously, what's the plan for
Has anyone read the proposals on
When do we get a real debate on
How do we pay for
Who is really standing up for
Why do we never talk about
Which candidate will handle
Are you voting based on
""")

OPINIONS = _lines("""
I think it's
It's
That would be
Honestly it's
To me it's
Frankly it's
I believe it's
Still
Looks
I'm afraid it's
""")

OPINION_ADJ = _lines("""
a mistake
a good idea
irresponsible
brave
pandering
too late
not enough
consistent
dangerous
essential
half-baked
smart
cynical
promising
worrying
logical
absurd
urgent
populist
realistic
""")

EMOJIS = _lines("""
😡
👏
🙄
🤔
😂
💪
🔥
😱
👉
🇺🇸
✊
🤦
👀
📢
😤
🙏
💯
⚠️
🗳️
📺
😔
🤷
✅
❌
😬
""")

HASHTAGS = _lines("""
election2028
vote2028
debate
socialsecurity
inflation
healthcare
climate
crime
immigration
education
hart2028
dalton2028
okafor2028
whitfield2028
reyes2028
ivoted
electionday
polls
rally
platform
minimumwage
housing
farmers
youthvote
foreignpolicy
climatechange
nuclear
taxes
debt
medicare
police
justice
arts
ruralamerica
transit
energy
jobs
economy
unemployment
disability
womensrights
freespeech
democracy
turnout
govote
breakingnews
politics
cnn
foxnews
msnbc
factcheck
truthmatters
verify
campaign2028
presidentialelection
election
vote
ballot
pollingplace
earlyvoting
pennsylvania
michigan
wisconsin
arizona
georgia
nevada
ohio
northcarolina
texas
florida
suburbs
smalltowns
mainstreet
unions
teachers
nurses
strike
protest
""")

SLOGANS = _lines("""
America deserves better.
Together we rise.
Power to the people, not the lobbyists.
No one left behind.
For our kids, we vote.
One voice, one vote, one future.
Real change starts with us.
Stand up for democracy.
Our future is not for sale.
Hands off our Social Security.
Save our rural hospitals.
The climate can't wait.
Young voters will be heard.
Not one more dollar for the billionaires.
Proud of our hometowns.
Work hard, live well.
Safe streets, strong communities.
Public schools build the future.
If you don't vote, someone else decides.
We won't back down.
November 7th, we vote.
A fair and strong America.
Give the power back to voters.
Free, equal, united.
The courage to tell the truth.
""")

QUOTES = _lines("""
"I won't be Wall Street's candidate, I'll be Main Street's."
"You don't own the word patriot."
"Governing isn't promising, it's delivering."
"Democracy never backs down in the face of fear."
"I'd rather lead a country that doubts than one that gives up."
"You can't run a country on bumper stickers."
"I talk to voters, not to pollsters."
"Common sense is neither left nor right."
"Every vote counts, even the one that was never cast before."
"Our kids will pay for this debt."
"Climate policy without fairness is just gardening."
"I'm not asking you to like me, I'm asking you to judge me."
""")

REPLY_OPENERS = _lines("""
Nonsense.
Totally agree.
Source?
You're right,
False:
Not at all,
Exactly.
Thanks for the reminder.
So what?
It's more complicated than that,
I disagree,
100% agree.
Completely false.
Well said.
You forget that
That's the point,
Really?
Read the platform,
How is that relevant?
Lol.
Yes but
No seriously,
Finally!
As usual,
Bad faith much?
Fair point,
Can confirm,
Meh.
Not wrong.
And the numbers?
""")

NEWS_LEADS = _lines("""
LIVE |
ALERT |
UPDATE |
URGENT |
EXCLUSIVE |
POLL |
DEBATE |
WATCH |
BREAKING |
JUST IN |
""")

NEWS_DOMAINS = _lines("""
nationalledger.com
capitolwire.com
metrodaily.com
heartlandradio.org
morningpostonline.com
civicreport.com
news24live.com
marketwatchtower.com
nytimes.com
washingtonpost.com
apnews.com
reuters.com
npr.org
cnn.com
foxnews.com
politico.com
thehill.com
usatoday.com
wsj.com
nbcnews.com
""")

SECTIONS = _lines("""
politics
elections
economy
us-news
national
local
world
opinion
fact-check
climate
""")

SLUG_WORDS = _lines(
    """
social-security hospitals schools unemployment housing transit postal-service police nuclear
amtrak emergency-rooms federal-jobs small-business farms courts prisons colleges research
teacher-pay minimum-wage child-tax-credit medicare medicaid rural-clinics veterans public-media
debt property-tax sales-tax income-tax gas-prices electricity heating rent apprenticeships
nursing-homes mental-health maternity military border immigration city-budget arts youth-sports
nonprofits roads high-speed-rail wind solar water forests fisheries broadband ai cyber startups
candidate rally debate poll platform promise reform budget deficit costing hart dalton okafor
whitfield reyes swing-states campaign vote voters turnout
""".replace(" ", "\n")
)

FAKE_NEWS_DOMAINS = _lines("""
true-american-report.com
patriot-news-daily.net
the-real-truth-wire.com
freedom-eagle-post.com
hidden-news-network.net
heartland-patriot-times.info
liberty-alert-news.org
citizens-truth-journal.net
national-wakeup-report.info
american-voice-now.com
""")

PETITION_DOMAINS = _lines("""
change.org
moveon.org
petitions.whitehouse.gov
""")

PETITION_TOPICS = _lines("""
save-the-county-maternity-ward
stop-the-rail-line-closure
real-climate-debate-now
protect-our-pollinators
keep-the-er-open-at-night
stop-our-school-closing
reopen-the-train-station
fair-pay-for-home-health-aides
save-freight-rail-jobs
ballot-measure-on-social-security
end-rural-medical-deserts
equal-pay-now
""")

LEAK = {
    "domain": "hart-files.net",
    "name": "Hart Files",
    "hashtag": "hartfiles",
    "docs": _lines("""
    campaign-accounts
    campaign-manager-emails
    foreign-donations
    internal-memos
    rally-invoices
    consultant-contracts
    staff-texts
    hidden-schedule
    offshore-transfers
    confidential-report
    """),
}

NARRATIVE_SUBJECTS = _lines("""
mail-in voting
the voting machine vendor
the official pollster
the mainstream media
the Hart campaign
Dalton's campaign
the ballot harvesting network
the Supreme Court
the county clerk
the voter roll office
the election monitoring mission
the Justice Department
""")

NARRATIVE_VERBS = _lines("""
is hiding
is organizing
is preparing
is rigging
is manipulating
is burying
is funding
is covering up
""")

NARRATIVE_OBJECTS = _lines("""
massive fraud
the real results
thousands of fake voters
a government scandal
the truth about the books
an electoral coup
vote buying
the censorship of patriots
pre-filled ballots
a secret deal with foreign donors
foreign money
missing ballot boxes
""")

NARRATIVE_TAILS = _lines("""
and nobody talks about it.
and the media stays silent.
for weeks now.
with the government's help.
all across the country.
to steal the election.
right in front of us.
before November 7th.
""")

CALLS = _lines("""
Share everywhere!
Spread it before it gets censored.
Wake up!
Don't let them get away with it.
Share far and wide.
They can't hide everything.
The truth must come out.
RT to inform.
Open your eyes.
Remember this on November 7th.
""")

CAMPAIGN_HASHTAGS = _lines("""
hartresign
stophart
lyinghart
electionfraud2028
riggedelection
stolenvote
daltonout
okafortreason
whitfieldscandal
reyesleaks
wakeupamerica
fakepolls
medialies
hiddentruth
resist2028
standupamerica
neverbackdown
yourvotedoesntcount
boycott2028
hartleaks
""")

BIO_FRAGMENTS = _lines("""
Proud citizen.
Dad of three.
Single mom.
Elementary school teacher.
Night-shift nurse.
Politics junkie.
Football fan.
Engineer in Ohio.
Law student.
Farmer in Iowa.
Retired railroad worker.
Love my country.
Climate activist.
Union member.
Small business owner.
Freelance journalist.
Amateur photographer.
Bookworm.
Weekend cyclist.
Community organizer.
Opinions are my own.
RTs are not endorsements.
Here to debate.
Texan by choice.
Born and raised in Philly.
Tired New Yorker.
Chicagoan.
Proud of my state.
Food bank volunteer.
Home health aide.
""")

# --- newsrooms' verification desks and the press corps (vigie.exercise.organic_lit,
# press_corps) and what readers and Operation Overload-style accounts write when they tag
# them (vigie.exercise.literature, mention_bombing). Only read by presets that use them.

FACT_CHECKERS = (
    ("Ledger Fact Check", "ledgerfactcheck"),
    ("Capitol Wire Verify", "capitolwire_verify"),
    ("Rumor Patrol", "rumorpatrol"),
    ("True or Not", "trueornot_news"),
    ("Claim Watch", "claimwatch_us"),
    ("Check the Record", "checktherecord"),
)

FACT_CHECKER_BIO = "Independent fact-checking. Send us the claims you want checked."

FACT_CHECK_VERDICTS = _lines("""
FALSE:
MISLEADING:
TRUE:
UNVERIFIED:
MISSING CONTEXT:
""")

JOURNALIST_BIOS = _lines("""
Political reporter at {outlet}.
Senior correspondent, {outlet}.
Politics editor at {outlet}.
Reporter at {outlet}. Elections, courts, Congress.
Covering the campaign for {outlet}. DMs open.
""")

JOURNALIST_PITCHES = _lines("""
My piece for @{outlet}:
Read it on @{outlet}:
Our investigation with @{colleague} for @{outlet}:
New from me on the campaign for @{outlet}:
My story with @{colleague} (@{outlet}):
""")

VERIFY_REQUESTS = _lines("""
Can you verify this?
Is this real?
Please check this.
Is this true?
Can you confirm?
Fact-check this please.
Why is nobody reporting this?
Real or fake?
Have you seen this?
Urgent: please verify.
Is this authentic?
Can someone check this video?
Are you going to cover this?
Would love an expert opinion on this.
""")

MEDIA_INTROS = _lines("""
Video:
This video is everywhere:
Look at this:
Seen online:
Clip from a news report:
Screenshot:
Someone sent me this:
This document is going around:
""")
