"""Phrase patterns the graders use as features. Each is one compiled regex, named for what it signals,
written in lower case and always matched against lower-cased text (`Draft.lower`, `Sentence.lower`).

Patterns are features, not verdicts: graders combine them with who the sentence is about, whether it
is negated, and how much of the facts it names.
"""

from __future__ import annotations

import re


def _rx(pattern: str) -> re.Pattern[str]:
    """Patterns are matched against lower-cased text: case-sensitive matching is several times faster."""
    return re.compile(pattern)


WE = r"(?:we|we've|we're|we'd|we'll|i|i've|i'm|i'd|i'll|our team|our company|this company)"
# "we/I" as the subject of the clause that follows (first person).
FIRST_PERSON = _rx(r"\b(?:we|i|our|us|my|me)\b|\bwe['’](?:ve|re|d|ll)\b|\bi['’](?:m|ve|d|ll)\b")

# --- sincerity ---
APOLOGY = _rx(
    r"\b(?:sorry|apologi[sz]e[sd]?|apologi[sz]ing|apolog(?:y|ies)|forgive us|owe (?:you|our \w+|every\w*) an apology)\b"
)
CONTRITION = _rx(
    r"\bwe (?:let (?:you|our \w+|them|you all) down|got (?:this|it|that) (?:badly |completely |very )?wrong|"
    r"were wrong|fell (?:well |far )?short|failed (?:you|our \w+|them))\b|"
    r"\b(?:this|that|it) (?:should (?:never|not) have happened|is not (?:good enough|acceptable|ok)|was unacceptable|"
    r"is unacceptable|was not acceptable)\b|\bwe (?:are|am|'re) (?:ashamed|embarrassed)\b|"
    r"\bwe regret that we\b|\bi regret that (?:we|i)\b|"
    # "we made a mistake", "the biggest mistake I've made", "our outage was unacceptable", "we failed on our promise"
    r"\b(?:we|i)(?:['’]ve| have)? made (?:a|an|the|this|that|some|(?:a |an )?\w+) ?(?:mistake|error)s?\b|"
    r"\bmistakes? (?:we|i)(?:['’]ve| have)? made\b|\bour (?=[^.!?\n]{0,120}unacceptable)(?:[\w-]+ ){0,3}(?:outage|failure|response|handling|service|"
    r"communication|performance|conduct|behaviou?r|decision|treatment|delays?|breach|error|mistake)s? (?:[\w-]+ ){0,3}"
    r"(?:was|is|were|has been) (?:simply |completely |totally )?unacceptable\b|"
    r"\bwe failed (?:on|in) our (?:promise|commitment|duty|responsibility)\b"
)
# "Sorry to have missed you" on a doorstep note is a courtesy, not an apology for anything that happened.
COURTESY_SORRY = _rx(
    r"\bsorry (?:to have missed you|(?:that )?we (?:have )?missed you|to see you go|to bother you|to interrupt)\b"
)
NON_APOLOGY = _rx(
    r"\b(?:regret|apologi[sz]e for|sorry for) (?:any|all) (?:inconvenience|confusion|disruption|trouble|frustration|"
    r"issues?|concerns?|difficult(?:y|ies)|impact)\b|"
    r"\bsorry (?:if|that you feel|you feel|if you feel|to those who feel|to hear)\b|\bapologi[sz]e if\b|"
    # "we apologise to anyone that thought they were divisive": sorry for what people made of it
    r"\b(?:apologi[sz]e|sorry) to (?:anyone|those|everyone|all those) (?:who|that) (?:thought|felt|feel|think|found|took)\b|"
    r"\bsorry (?:that )?(?:this|it) (?:affects|affected|has affected|inconvenienced|impacts|impacted) you\b|"
    r"\bsorry for (?:the|this|any) (?:inconvenience|confusion)\b|\bapologi[sz]e for (?:the|this) (?:inconvenience|confusion)\b|"
    r"\b(?:we|i) (?:understand|appreciate|recogni[sz]e|know|realize|realise) (?:that )?(?:this|that|it|the \w+|"
    r"the situation|these \w+) (?:may|might|could|can) (?:have )?(?:be(?:en)?|cause[sd]?|create[sd]?) "
    r"(?:\w+ )?(?:frustrat|inconvenien|disappoint|concern|difficult|upsetting|annoying|stressful)\w*|"
    r"\bfor (?:some|a few|those) (?:customers?|of you|users)\b.{0,40}\b(?:frustrat|inconvenien)\w*|"
    r"\bany inconvenience (?:this|that|it) (?:may|might) have caused\b|\bregret(?:s|ted)? (?:the|this) (?:situation|"
    r"incident|issue|matter)\b|\bwe regret any\b|"
    # "for any offence our campaign may have caused", "any distress this may have caused": harm as a maybe
    r"\b(?:apologi[sz]e|sorry|regret)\w* for any\b[^.!?\n]{0,80}?\b(?:may|might|could) have (?:caused|created)\b"
)
# Stock PR lines that by themselves make a statement read as boilerplate.
BOILERPLATE = _rx(
    r"\b(?:we|the company) take[sn]? (?:(?:this|that|these) (?:matter|issue|situation|incident)s?|this|these|"
    r"the (?:matter|issue|situation)|your \w+|(?:customer|data) \w+|"
    r"the \w+ of your \w+) (?:very |extremely |incredibly )?seriously\b|"
    r"\b(?:committed|dedicated) to (?:providing|delivering|offering|ensuring) (?:the )?(?:best|highest|excellent|"
    r"exceptional|world-class|outstanding|superior|the highest)\b|\b(?:is|are|remains?) our (?:top|number one|utmost|"
    r"highest) priority\b|\bour (?:top|number one|first|highest) priority (?:is|remains|will be)\b|"
    r"\bat the heart of everything\b|\bsecond to none\b|\bstrive (?:for|to deliver) excellence\b|"
    r"\bthank (?:you|them|our \w+(?: and \w+)?) for (?:your|their) (?:patience|understanding)\b"
)
# Softer stock phrases: they count toward padding with the superlatives.
STOCK = _rx(r"\bvalued (?:customers?|members?|clients?|partners?)\b|\butmost\b|\bfamily\b")
SUPERLATIVE = _rx(
    r"\b(?:best-in-class|world-class|industry-leading|market-leading|cutting-edge|state-of-the-art|unparalleled|"
    r"unrivall?ed|unmatched|exceptional|outstanding|incredible|amazing|fantastic|extraordinary|tremendous|"
    r"unwavering|relentless(?:ly)?|passionate(?:ly)?|deeply committed|truly|incredibly|best possible|"
    r"highest (?:possible )?(?:standards?|quality|level)|innovative|seamless(?:ly)?|thrilled|delighted|excited|"
    r"proud to|exciting|leading|award-winning|better than ever|great news|stronger than ever)\b"
)
LEGALESE = _rx(
    r"\b(?:hereby|herein|aforementioned|pursuant to|without prejudice|notwithstanding|liability for)\b"
)

# --- ownership ---
RESPONSIBILITY = _rx(
    rf"\b{WE} (?:(?:fully |completely )?(?:take|accept|bear|assume)s?) (?:full |complete |total |sole )?"
    rf"(?:responsibility|ownership|the blame|accountability)\b|\b(?:this|that|it|the (?:mistake|error|failure|fault|blame))"
    rf"(?: was| is|['’]s)? (?:entirely |squarely |completely )?(?:on us|ours|our (?:own )?(?:mistake|error|fault|"
    rf"failure|responsibility|doing))\b|\bour (?:own )?(?:mistake|error|fault|failure|responsibility|oversight)\b|"
    rf"\b{WE} (?:are|am|'re|were) (?:fully |entirely |solely )?(?:responsible|accountable|to blame|at fault)\b|"
    rf"\bthe (?:responsibility|fault|blame) (?:is|lies|rests) (?:with us|with me|ours)\b|\bno excuses?\b|"
    rf"\b(?:that|this|it)['’]?s on (?:us|me)\b|\bwe own (?:this|it|that)\b|"
    rf"\b(?:that|this|it) (?:was|is) (?:our|my) (?:gap|failing|call|decision|choice|doing)\b|\bon our side\b|"
    rf"\b(?:that|this|the) (?:decision|call|choice) (?:was|is) (?:ours|mine|our own)\b|"
    rf"\bour (?:own )?\w+ (?:was|were) (?:wrong|faulty|at fault|to blame)\b"
)
# "we" (or "I") as the actor: the verb after it, for graders to compare with what the facts say went wrong.
WE_DID = _rx(
    r"\b(?:we|i)(?:['’](?:ve|d))?\s+(?:\w+ly\s+)?(?:(?:have|had|did|do|were|was|then)(?:n['’]t)?\s+)?(?:not\s+|never\s+)?"
    r"(?P<verb>[a-z][a-z'’-]+)"
)
# Doing verbs that describe a decision or act, whatever the incident ("we chose", "we ran the script").
DOING_VERBS = frozenset(
    [
        "applied",
        "apply",
        "break",
        "broke",
        "build",
        "built",
        "cancel",
        "canceled",
        "cancelled",
        "catch",
        "caught",
        "cause",
        "caused",
        "change",
        "changed",
        "charge",
        "charged",
        "check",
        "checked",
        "choose",
        "chose",
        "decide",
        "decided",
        "delay",
        "delayed",
        "delete",
        "deleted",
        "deploy",
        "deployed",
        "exposed",
        "fail",
        "failed",
        "get",
        "go",
        "got",
        "hire",
        "hired",
        "ignored",
        "introduce",
        "introduced",
        "keep",
        "kept",
        "launch",
        "launched",
        "let",
        "load",
        "loaded",
        "lose",
        "lost",
        "made",
        "make",
        "miscalculated",
        "misclassified",
        "mishandled",
        "mislabeled",
        "mislabelled",
        "miss",
        "missed",
        "neglected",
        "notice",
        "noticed",
        "overbilled",
        "overcharge",
        "overcharged",
        "overlooked",
        "paid",
        "pay",
        "plan",
        "planned",
        "push",
        "pushed",
        "ran",
        "release",
        "released",
        "remove",
        "removed",
        "run",
        "send",
        "sent",
        "ship",
        "shipped",
        "should",
        "show",
        "showed",
        "spot",
        "spotted",
        "stop",
        "stopped",
        "switch",
        "switched",
        "take",
        "tell",
        "test",
        "tested",
        "told",
        "took",
        "undercharged",
        "underpaid",
        "underpay",
        "upgrade",
        "upgraded",
        "went",
        "write",
        "wrote",
    ]
)
DEFLECTION = _rx(
    r"\b(?:due to|because of|caused by|as a result of|resulting from|stemm(?:ed|ing) from|owing to|the result of|"
    r"attributable to|triggered by)\s+(?:an?\s+|the\s+)?(?:\w+\s+){0,3}?(?:vendor|supplier|partner|third[- ]part(?:y|ies)|"
    r"provider|contractor|subcontractor|carrier|processor|system|software|glitch|technical|hardware|platform|"
    r"human error|an? (?:employee|staff member|individual|agent)|weather|storm|hackers?|cyber|unforeseen|"
    r"unprecedented|circumstances|external|industry|regulat\w+)\b|"
    r"\b(?:our |a |the |one of our )?(?:vendor|supplier|partner|third[- ]party|provider|contractor|carrier|"
    r"processor)['’]?s?\b[^.]{0,60}\b(?:failed|caused|made|error|mistake|outage|issue|problem|stopped|went down|"
    r"did not|didn['’]t|was responsible)\b|"
    r"\b(?:beyond|outside) (?:of )?our control\b|\bnot (?:our|the company['’]s) fault\b|\bthrough no fault of\b|"
    r"\b(?:a|an|the) (?:system|systems|software|technical|computer|it|payroll system|platform) "
    r"(?:glitch|error|issue|fault|failure|problem|malfunction)\b|\bhuman error\b|"
    r"\b(?:customers?|users?|you) (?:may have |might have )?(?:entered|used|misused|failed to|did not|didn['’]t)\b"
)
PASSIVE_AGENTLESS = _rx(
    r"\b(?:mistakes?|errors?|issues?|problems?|failures?|oversights?|discrepanc(?:y|ies)|irregularit(?:y|ies)|"
    r"underpayments?|overcharges?)\s+(?:were|was|have been|has been|had been)\s+(?:made|found|identified|"
    r"discovered|experienced|encountered|introduced)\b|"
    r"\b(?:an?|the|some)\s+(?:\w+\s+){0,2}(?:issue|error|problem|incident|outage|glitch|disruption|discrepancy)\s+"
    r"(?:occurred|arose|happened|emerged|took place|was experienced)\b|"
    r"\b(?:errors?|issues?|problems?|discrepanc\w+)\s+(?:occurred|arose|crept in|emerged)\b|"
    r"\b(?:staff|customers?|employees?|workers?|users?|accounts?|payments?|orders?|services?)\s+(?:were|was|have been|"
    r"had been)\s+(?:\w+ly\s+)?(?:underpaid|overcharged|impacted|affected|disrupted|delayed|charged|billed)\b"
    r"(?![^.]{0,30}\bby (?:us|our|me)\b)"
)
CONDITIONAL_HARM = _rx(
    r"\bif (?:anyone|any(?: of (?:you|our \w+))?|any customers?|some(?:one| of you| customers)?|you)\s+"
    r"(?:was|were|has been|have been|may have been|might have been|feel|felt)\s+(?:\w+ly\s+)?(?:affected|impacted|"
    r"inconvenienced|upset|offended|disappointed)\b|\bto (?:anyone|those) who (?:may|might) have been (?:affected|"
    r"impacted|inconvenienced)\b|\bany (?:customers?|users?|members?|staff) who may have been (?:affected|impacted)\b"
)

# --- acknowledgment ---
VAGUE_EVENT = _rx(
    r"\b(?:an?|the|this|recent|some) (?:recent )?(?:issues?|situation|matter|events?|incidents?|"
    r"developments?|circumstances|challenges?|difficult(?:y|ies)|occurrences?|concerns?)\b"
)
MINIMISING = _rx(
    r"\b(?:a (?:small|limited|tiny) (?:number|percentage|proportion|group|subset|fraction) of|a (?:handful|few) of|"
    r"a handful|a few (?:customers|users|people|staff|employees|members|accounts|stores|orders)|"
    r"some (?:customers|users|people|staff|employees|members|accounts)|isolated|brief(?:ly)?|momentar(?:y|ily)|"
    r"minor|slight(?:ly)?|temporar(?:y|ily)|short-lived|small (?:number|group|percentage|glitch|issue|hiccup)|"
    r"hiccup|blip|limited (?:impact|number|disruption)|only a few|a bit of|"
    r"(?:small|modest|nominal|minor) (?:handling )?(?:fee|charge|increase|adjustment|change))\b"
)

# Hedged or shrunken descriptions: they name people or things without committing to how many or what.
HEDGE = _rx(
    r"\b(?:some(?! of (?:you|them|those|the \d))|certain|a number of|a (?:small|limited|few)|limited number|"
    r"those (?:whose|who)|if you (?:were|have been) (?:affected|impacted|inconvenienced)|may have (?:been|affected|seen)|"
    r"might have|potentially|"
    r"any (?:customers?|users?|one) who|a handful|many(?! of (?:you|them|those)))\b"
)

# --- plan, follow-up ---
VAGUE_PLAN = _rx(
    r"\b(?:looking into (?:it|this|the \w+)|investigating|will (?:do|be) better|take (?:this|it) (?:very )?seriously|"
    r"working (?:hard|diligently|tirelessly|around the clock) (?:to|on)|(?:steps|measures|actions) to (?:ensure|prevent|"
    r"avoid)|reviewing (?:our|the) (?:processes|procedures|systems)|(?:learn|learning) from (?:this|it)|"
    r"won['’]t happen again|will not happen again|continuous(?:ly)? improv\w+|(?:appropriate|necessary) (?:steps|action|"
    r"measures)|explore (?:ways|options))\b"
)
FUTURE_ACTION = _rx(
    rf"\b{WE} (?:will|are going to|plan to|intend to|commit to|promise to|have committed to|are now|now)\b|"
    rf"\bfrom (?:now on|today|\w+ \d|\d)|\bstarting (?:on |from |in |today|next)|\b(?:by|before|from|until|on) "
    r"(?:\d|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|"
    r"august|september|october|november|december|the end of)"
)
# A recurring when: "every January", "each quarter".
_EVERY = (
    r"(?:every|each) (?:quarter|month|week|year|day|(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february|"
    r"march|april|may|june|july|august|september|october|november|december)"
)
FOLLOW_UP = _rx(
    r"\b(?:next update|further update|another update|update (?:you|this|here|again|by|on|at|every|within)|"
    r"keep (?:you|everyone|all of you|customers|staff|our \w+) (?:updated|informed|posted)|will (?:share|publish|post|"
    r"report|write|email|contact|update|let you know|follow up|be in touch|reach out|send)|let you know|follow(?:-| )up|"
    r"check (?:back|our)|status page|stay tuned|more (?:details|information) (?:soon|to come|by|on)|"
    r"details (?:on|at|in|here)|read more|more (?:on|at) our|updates? here|daily updates?|in detail|"
    r"update (?:it|them|the list|this list)|next (?:report|look|one)|"
    # A recurring schedule for what is published: "new figures every January", "we publish it each quarter"
    # (not "we close every Sunday").
    rf"(?:publish|post|share|updat|refresh|report|review|revisit|figures|numbers)\w*\b[^.!?\n]{{0,60}}\b{_EVERY})\b"
)
CONTACT = _rx(
    # Bounded repeats: an unbounded [\w]+ before a literal backtracks quadratically on a long word.
    r"\b[\w.+-]{1,64}@[\w-]{1,63}\.[\w.]{2,63}|\bhttps?://\S{1,200}|\bwww\.\S{1,200}|"
    r"\b[\w-]{1,63}\.(?:com|org|net|example|io|co|gov|edu)(?:/\S{0,200})?|"
    r"\b(?:call|phone|email|e-mail|contact|reach|write to|message|dm|reply to|talk to|speak to|ask)\b[^.]{0,60}"
    r"\b(?:us|me|our|team|helpline|hotline|line|desk|manager|support|directly)\b|\b\d{3,4}[ -]?\d{3}[ -]?\d{3,4}\b|"
    r"\bquestions?\b[^.]{0,40}\b(?:to|at|on|via|reply|contact|email|call)\b|\bmy (?:door|inbox) is open\b"
)

# --- impact ---
# People a message can be about: customers and the public on one side, staff on the other (STAFF_PEOPLE).
STAFF_PEOPLE = _rx(
    r"\b(?:staff|employees?|workers?|colleagues|team members?|crew|crews|personnel|associates|"
    r"(?:store|site|branch|shift|line) managers?|nurses?|doctors?|dentists?|teachers?|engineers?|drivers?|"
    r"agents?|reporters?|journalists?|hosts?|cleaners?|cashiers?|pickers?|warehouse \w+|our people|our teams?)\b"
)
PEOPLE = _rx(
    r"\b(?:customers?|clients?|users?|members?|subscribers?|passengers?|travell?ers?|patients?|families|parents|"
    r"students?|pupils?|children|child|kids|babies|guests?|shoppers?|staff|employees?|workers?|colleagues|"
    r"team members?|people|residents?|tenants?|occupants|neighbou?rs|pensioners?|retirees|savers|borrowers|"
    r"investors|shareholders|donors|supporters|volunteers|applicants|candidates|job seekers|"
    r"account ?holders?|policyholders?|ticket ?holders?|card ?holders?|owners?|drivers?|riders?|commuters|"
    r"buyers?|sellers?|merchants?|makers|creators|artists|farmers?|growers|producers|"
    r"communit(?:y|ies)|viewers?|readers?|listeners?|players?|gamers|fans?|households?|homes|businesses|"
    r"companies|firms|schools?|accounts?|account owners?|victims|adults|women|men|seniors|citizens|"
    r"the public|everyone|anyone|you|your)\b"
)

# --- explanation ---
CAUSAL = _rx(
    r"\b(?:because|caused|cause|due to|the reason|reasons?|why|led to|resulted|result of|root cause|happened when|"
    r"stemmed|so that|in order to|which meant|meaning that|this meant|that meant|since|as a result|rather than|"
    r"instead of|we decided|we chose|the thinking|our thinking|thought process|here is why|here['’]s why|"
    r"stopped|took down|knocked out|brought down|triggered|meant|means? that|mean|left|hit|crashed|broke|created|"
    r"forced|supplied by|provided by|could not (?:keep up|cope|process)|than (?:it|we) could|"
    r"the goal|to (?:keep|make|protect|give|ensure|help|avoid|cover|pay|fund|invest))\b"
)
EXCUSE = _rx(
    r"\b(?:unprecedented|unforeseen|unforeseeable|beyond our control|outside (?:of )?our control|no one could have|"
    r"(?:a|an) (?:\w+ )?(?:technical|system|it|computer) (?:issue|problem|error|glitch|fault)|record (?:\w+ ){0,2}(?:demand|volumes?)|"
    r"circumstances|act of god|perfect storm|industry-wide|everyone (?:else )?(?:is|was) affected|like many|"
    r"as with many)\b"
)
CAUSE_NOUNS = _rx(
    r"\b(?:cyber-?attack|attack|hack(?:ers?|ed)?|ransomware|malware|weather|storm|power (?:failure|cut|outage)|"
    r"fire|flood|strike|sabotage|fraud|virus|bug|glitch|outage at|vendor|supplier|contractor|human error|manufacturer|"
    r"late (?:delivery|part|shipment)|regulat\w+|partners?|equipment|third[- ]part(?:y|ies)|"
    r"record (?:\w+ ){0,2}(?:demand|volumes?)|surge in \w+|last[- ]minute|"
    r"rogue employee|software update|database|server|network failure|misconfiguration)\b"
)
LEGAL_EXPOSURE = _rx(
    r"\b(?:breach(?:es|ed)?|negligen(?:t|ce)|illegal(?:ly)?|unlawful(?:ly)?|unauthori[sz]ed|leak(?:s|ed|age)?|"
    r"liab(?:le|ility)|fraudulent(?:ly)?|violat(?:ed|ion|ions|ing)|infring\w+|malpractice|misconduct)\b"
)

# --- promises ---
PROMISE = _rx(
    rf"\b(?:we|i)['’]ll\b|\b(?:{WE}|our team) (?:will|are going to|promise to|commit to|guarantee|pledge to|are offering|will be offering|"
    r"are giving|will be giving|are providing|will provide|will give|will refund|will pay|will credit|will send|"
    r"will cover|will waive)\b|\byou (?:will|['’]ll) (?:receive|get|see|be (?:given|offered|sent|refunded|paid|"
    r"credited|reimbursed|compensated))\b|\b(?:everyone|every (?:affected )?\w+|each (?:affected )?\w+|all affected "
    r"\w+) (?:will|is going to) (?:receive|get|see|be)\b"
)
REMEDY_WORDS = _rx(
    r"\b(?:refund\w*|credit(?:s|ed)?|discount\w*|vouchers?|coupons?|compensat\w+|reimburs\w+|free|waive[sd]?|"
    r"gift\w*|bonus\w*|back ?pay|rebate\w*|(?:full |partial )?repayment|complimentary|extra (?:month|week|day|"
    r"data|miles|points)|points|miles|cash(?:back)?|payout|goodwill|gesture|store credit|gift card|upgrade)\b"
)
GENERIC_PROMISE = _rx(
    r"\b(?:keep (?:you|everyone) (?:updated|informed|posted)|update (?:you|this|everyone)|be in touch|let you know|"
    r"do better|learn from|listen|answer (?:your|every|any) questions?|be (?:open|transparent|honest)|share (?:more|"
    r"what we learn|updates?)|follow up|respond|reply|work (?:hard|to)|make (?:this|it|things) right|continue to|"
    r"keep working|earn back|rebuild|regain)\b"
)

# --- channel and strategy ---
HYPE = _rx(
    r"\b(?:exciting|excited|thrilled|delighted|amazing|incredible|proud to|best-in-class|world-class|"
    r"game-chang\w+|innovative|revolutionary|unbeatable|don['’]t miss|limited time|sign up|special offer|"
    r"check out our|easier than ever|we['’]ve made \w+ (?:easier|better|simpler))\b"
)
STAFF_ADDRESS = _rx(
    r"\b(?:team|staff|colleagues|everyone|all|store managers?|managers?|crew|associates|employees|"
    r"agents|reps|frontline|you)\b"
)
STAFF_DIRECTIVE = _rx(
    r"\b(?:please|if (?:customers?|a customer|anyone|people|clients?|passengers?|callers?|shoppers?|guests?) "
    r"(?:ask|asks|call|calls|raise|mention|want|contact|are)|tell (?:them|customers?|callers?|anyone)|"
    r"say (?:that|this)|do not|don['’]t|never|avoid|refer|direct (?:them|customers?|questions?|enquiries|anyone)|"
    r"point (?:them|customers?)|make sure|you should|you can (?:tell|say|offer|point|refer|share)|what to say|"
    r"talking points|escalate|forward|send (?:them|questions?|enquiries)|use (?:the|this) (?:script|wording|lines?)|"
    r"we (?:need|ask) you to|your role|here is what|here['’]s what)\b"
)
CELEBRATORY = _rx(
    r"\b(?:(?:we are|we['’]re|is|are) (?:thrilled|excited|delighted|pleased|proud) to (?:announce|share|"
    r"introduce|unveil|release)|great news|exciting news|big news|good news|we['’]ve made \w+ (?:easier|better|simpler))\b"
    r"|\bnew!"
)
CRISIS = _rx(r"\b(?:outage|incident|breach|mistake|error|failure|problem|went wrong|disruption|recall)\b")
