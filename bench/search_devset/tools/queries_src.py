# Query source: Q(q, lang, cls, [(file_prefix, quote), ...])
# Labels were assigned by reading/grepping the texts (both languages).
QUERIES = []
def Q(q, lang, cls, rel):
    QUERIES.append({"q": q, "lang": lang, "class": cls, "rel": rel})

# ---------- Breach notification ----------
Q("personuppgiftsincident", "sv", "keyword", [
 ("003", "Personuppgiftsbiträdet ska snarast möjligt underrätta personuppgiftsansvarig om förekomst och sannolik innebörd av en personuppgiftsincident"),
 ("006", "Personuppgiftsbiträdet ska utan onödigt dröjsmål – och senast inom 24 timmar – efter att ha fått kännedom om en Personuppgiftsincident underrätta"),
 ("008", "7.1 Biträdet ska utan onödigt dröjsmål, och senast inom 24 timmar efter att ha fått kännedom om en personuppgiftsincident, underrätta den Ansvarige."),
 ("009", "Biträdet ska utan onödigt dröjsmål, och senast inom 24 timmar, underrätta den Ansvarige efter att ha fått kännedom om en personuppgiftsincident."),
 ("010", "Personuppgiftsbiträdet ska utan onödigt dröjsmål, och om möjligt senast inom 48 timmar efter att ha fått kännedom om en personuppgiftsincident"),
 ("011", "Personuppgiftsbiträdet ska utan onödigt dröjsmål – och senast inom 24 timmar – efter att ha fått kännedom om en Personuppgiftsincident underrätta"),
 ("014", "Biträdet ska utan onödigt dröjsmål och senast inom 72 timmar rapportera incidenten till Kunden."),
 ("015", "Biträdet ska anmäla personuppgiftsincidenter till Kunden utan onödigt dröjsmål, och senast inom 24 timmar efter upptäckt."),
])
Q("Inom hur många timmar måste leverantören meddela oss om en personuppgiftsincident har inträffat?", "sv", "question", [
 ("006", "Personuppgiftsbiträdet ska utan onödigt dröjsmål – och senast inom 24 timmar – efter att ha fått kännedom om en Personuppgiftsincident underrätta"),
 ("008", "7.1 Biträdet ska utan onödigt dröjsmål, och senast inom 24 timmar efter att ha fått kännedom om en personuppgiftsincident, underrätta den Ansvarige."),
 ("009", "Biträdet ska utan onödigt dröjsmål, och senast inom 24 timmar, underrätta den Ansvarige efter att ha fått kännedom om en personuppgiftsincident."),
 ("010", "Personuppgiftsbiträdet ska utan onödigt dröjsmål, och om möjligt senast inom 48 timmar efter att ha fått kännedom om en personuppgiftsincident"),
 ("011", "Personuppgiftsbiträdet ska utan onödigt dröjsmål – och senast inom 24 timmar – efter att ha fått kännedom om en Personuppgiftsincident underrätta"),
 ("013", "b) Inom 24 timmar tillhandahålla skriftlig rapport"),
 ("014", "Biträdet ska utan onödigt dröjsmål och senast inom 72 timmar rapportera incidenten till Kunden."),
 ("015", "Biträdet ska anmäla personuppgiftsincidenter till Kunden utan onödigt dröjsmål, och senast inom 24 timmar efter upptäckt."),
])
Q("\"senast inom 24 timmar\"", "sv", "phrase", [
 ("006", "Personuppgiftsbiträdet ska utan onödigt dröjsmål – och senast inom 24 timmar – efter att ha fått kännedom om en Personuppgiftsincident underrätta"),
 ("008", "7.1 Biträdet ska utan onödigt dröjsmål, och senast inom 24 timmar efter att ha fått kännedom om en personuppgiftsincident, underrätta den Ansvarige."),
 ("009", "Biträdet ska utan onödigt dröjsmål, och senast inom 24 timmar, underrätta den Ansvarige efter att ha fått kännedom om en personuppgiftsincident."),
 ("011", "Personuppgiftsbiträdet ska utan onödigt dröjsmål – och senast inom 24 timmar – efter att ha fått kännedom om en Personuppgiftsincident underrätta"),
 ("015", "Biträdet ska anmäla personuppgiftsincidenter till Kunden utan onödigt dröjsmål, och senast inom 24 timmar efter upptäckt."),
])
Q("How quickly must the processor notify us of a personal data breach?", "en", "question", [
 ("016", "2.7 Personal Data Breaches. OpenAI will notify Customer without undue delay after becoming aware of any Personal Data Breach."),
 ("017", "G.1. Anthropic will notify Customer in writing without undue delay, but in any event within 48 hours, after becoming aware of any Security Breach"),
 ("018", "(“Personal Data Breach”) without undue delay after Perplexity becomes aware of such Personal Data Breach."),
 ("021", "Mistral AI shall notify Customer of any Personal Data Breach without undue delay after becoming aware of such Personal Data Breach."),
 ("023", "The data importer shall also notify the data exporter without undue delay after having become aware of the breach."),
 ("023", "The data importer shall also notify, without undue delay, the data exporter and, where appropriate and feasible, the controller after having become aware of the breach."),
])
Q("breach notification within 24 hours", "en", "cross", [
 ("006", "Personuppgiftsbiträdet ska utan onödigt dröjsmål – och senast inom 24 timmar – efter att ha fått kännedom om en Personuppgiftsincident underrätta"),
 ("008", "7.1 Biträdet ska utan onödigt dröjsmål, och senast inom 24 timmar efter att ha fått kännedom om en personuppgiftsincident, underrätta den Ansvarige."),
 ("009", "Biträdet ska utan onödigt dröjsmål, och senast inom 24 timmar, underrätta den Ansvarige efter att ha fått kännedom om en personuppgiftsincident."),
 ("011", "Personuppgiftsbiträdet ska utan onödigt dröjsmål – och senast inom 24 timmar – efter att ha fått kännedom om en Personuppgiftsincident underrätta"),
 ("013", "b) Inom 24 timmar tillhandahålla skriftlig rapport"),
 ("015", "Biträdet ska anmäla personuppgiftsincidenter till Kunden utan onödigt dröjsmål, och senast inom 24 timmar efter upptäckt."),
])
Q("Hur snabbt måste Anthropic meddela oss vid en säkerhetsincident?", "sv", "cross", [
 ("017", "G.1. Anthropic will notify Customer in writing without undue delay, but in any event within 48 hours, after becoming aware of any Security Breach"),
 ("017", "G.2. Upon becoming aware of a Security Breach, Anthropic will (a) investigate the Security Breach, and (b) provide timely information"),
])
Q("\"within 48 hours\"", "en", "phrase", [
 ("017", "G.1. Anthropic will notify Customer in writing without undue delay, but in any event within 48 hours, after becoming aware of any Security Breach"),
])
Q("Vem ska anmäla incidenten till IMY inom 72 timmar?", "sv", "question", [
 ("006", "Den Personuppgiftsansvarige ansvarar för att anmäla incidenten till Integritetsskyddsmyndigheten (IMY) inom 72 timmar, om det krävs enligt GDPR artikel 33."),
 ("008", "7.4 Biträdet ska bistå den Ansvarige med att uppfylla anmälningsskyldigheten till IMY (72 timmar)"),
 ("011", "Den Personuppgiftsansvarige ansvarar för att anmäla incidenten till Integritetsskyddsmyndigheten (IMY) inom 72 timmar och för att informera de registrerade"),
])
Q("who notifies the Swedish supervisory authority (IMY) of a breach within 72 hours", "en", "cross", [
 ("006", "Den Personuppgiftsansvarige ansvarar för att anmäla incidenten till Integritetsskyddsmyndigheten (IMY) inom 72 timmar, om det krävs enligt GDPR artikel 33."),
 ("008", "7.4 Biträdet ska bistå den Ansvarige med att uppfylla anmälningsskyldigheten till IMY (72 timmar)"),
 ("011", "Den Personuppgiftsansvarige ansvarar för att anmäla incidenten till Integritetsskyddsmyndigheten (IMY) inom 72 timmar och för att informera de registrerade"),
])
Q("What must a breach notification contain?", "en", "question", [
 ("017", "provide timely information relating to the nature of the Security Breach, such as, where reasonably possible, the categories and approximate number of data subjects"),
 ("021", "The nature of the Personal Data Breach, including but not limited to the categories and number of Data Subjects and Personal Data concerned"),
 ("023", "its likely consequences and the measures taken or proposed to address the breach including, where appropriate, measures to mitigate its possible adverse effects."),
 ("023", "Such notification shall contain i) a description of the nature of the breach (including, where possible, categories and approximate number of data subjects"),
])
Q("Vad ska underrättelsen om en personuppgiftsincident innehålla?", "sv", "question", [
 ("006", "Beskrivning av incidentens karaktär, inklusive, om möjligt, kategorierna av och det ungefärliga antalet registrerade som berörs."),
 ("008", "Beskrivning av incidentens art, inklusive kategorier och ungefärligt antal berörda registrerade"),
 ("010", "Underrättelsen ska innehålla de uppgifter som anges i artikel 33.3 GDPR i den mån de är tillgängliga."),
 ("011", "Beskrivning av incidentens karaktär, inklusive, om möjligt, kategorierna av och det ungefärliga antalet registrerade och personuppgiftsposter som berörs."),
 ("013", "6.2 INCIDENTRAPPORT SKA INNEHÅLLA - Beskrivning av incidentens karaktär"),
 ("014", "Rapporten ska om möjligt innehålla: - incidentens art och omfattning,"),
 ("015", "Beskrivning av personuppgiftsincidentens art"),
])

# ---------- Sub-processors ----------
Q("Hur lång tid i förväg ska vi informeras innan leverantören byter eller lägger till underbiträden?", "sv", "question", [
 ("001", "Vid tillägg eller byte av underbiträde ska den Personuppgiftsansvarige informeras skriftligen minst 30 dagar i förväg"),
 ("006", "ge den Personuppgiftsansvarige möjlighet att invända mot sådana förändringar med minst 30 dagars förvarning."),
 ("008", "Biträdet informerar den Ansvarige skriftligen minst 30 dagar innan ett nytt underbiträde anlitas"),
 ("009", "Vid allmänt godkännande ska Biträdet informera den Ansvarige om eventuella planerade ändringar avseende tillägg eller ersättning av underbiträden"),
 ("010", "6.2 Personuppgiftsbiträdet ska meddela planerade förändringar av underbiträden minst 30 dagar i förväg."),
 ("011", "om planerade förändringar avseende anlitande eller utbyte av underbiträden med minst 30 dagars förvarning"),
 ("013", "a) Skriftligt meddelande: Minimum 30 dagar före ändringar av underbiträden"),
 ("014", "Biträdet ska informera Kunden om väsentliga förändringar av underbiträden. Kunden har rätt att invända inom 30 dagar efter meddelande."),
 ("015", "Vid anlitande av nya underbiträden ska Biträdet: 1. Informera Kunden minst 30 dagar i förväg"),
])
Q("How long do we have to object to a new sub-processor?", "en", "question", [
 ("016", "Customer may object to the use of such additional Sub-processor within 30 days of receiving notice of the change"),
 ("017", "object to Anthropic’s use of such Subprocessor by providing Anthropic with written notice of the objection within fifteen (15) days of the date of such notice"),
 ("018", "it shall provide Customer with ten business days’ prior notice, during which Customer can object to the appointment or replacement"),
 ("021", "The Customer may only object in writing to Mistral AI’s appointment of a new Subprocessor within ten (10) days of such notice"),
 ("023", "OPTION 2: GENERAL WRITTEN AUTHORISATION The data importer has the data exporter’s general authorisation for the engagement of sub-processor(s) from an agreed list."),
])
Q("\"within fifteen (15) days\"", "en", "phrase", [
 ("017", "object to Anthropic’s use of such Subprocessor by providing Anthropic with written notice of the objection within fifteen (15) days of the date of such notice"),
])
Q("invändning mot nytt underbiträde inom tio dagar", "sv", "cross", [
 ("018", "it shall provide Customer with ten business days’ prior notice, during which Customer can object to the appointment or replacement"),
 ("021", "The Customer may only object in writing to Mistral AI’s appointment of a new Subprocessor within ten (10) days of such notice"),
])
Q("Can we terminate the contract if we object to a new sub-processor?", "en", "question", [
 ("016", "then either Party may terminate the Agreement or any Order Forms or usage regarding the Services that cannot be provided without the use of the new Sub-Processor"),
 ("018", "If despite those good faith discussions, a resolution cannot be found, then Customer (as its sole remedy) may terminate the Agreement"),
 ("021", "then Mistral AI reserves the right to terminate the Agreement or just the affected Mistral AI Products undergoing the Subprocessor change"),
 ("011", "Om Kunden invänder på sakliga grunder och parterna inte kan enas om en lösning har Kunden rätt att säga upp den del av Tjänsten som berörs."),
 ("015", "Om Kunden invänder mot ett nytt underbiträde ska parterna i god anda försöka hitta en lösning. Om ingen lösning nås har Kunden rätt att säga upp avtalet."),
])
Q("Är personuppgiftsbiträdet ansvarigt för sina underbiträden?", "sv", "question", [
 ("006", "Personuppgiftsbiträdet är fullt ansvarigt gentemot den Personuppgiftsansvarige för underbiträdets fullgörande av sina dataskyddsförpliktelser."),
 ("011", "Personuppgiftsbiträdet ansvarar för att underbiträden genom avtal är bundna av dataskyddsförpliktelser som motsvarar dem som anges i detta avtal."),
 ("013", "c) Fullständigt ansvar: Personuppgiftsbiträdet är fullt ansvarigt för underbiträdets prestanda"),
 ("008", "Biträdet ingår skriftligt avtal med underbiträdet som ålägger samma dataskyddsskyldigheter som detta avtal"),
])
Q("Does the processor remain liable for its sub-processors?", "en", "question", [
 ("016", "OpenAI will remain liable for the acts and omissions of its Sub-Processors to the same extent OpenAI would be liable under this DPA"),
 ("017", "(b) remain liable to Customer for each Subprocessors’ acts and omissions related to this DPA to the extent Anthropic is liable for its own"),
 ("018", "Perplexity shall remain liable to Customer for that subprocessor’s performance of the data-protection obligations flowed down to it"),
 ("021", "Mistral AI will remain liable to Customer if such Subprocessor fails to fulfill its data protection obligations"),
 ("023", "(d) The data importer shall remain fully responsible to the data exporter for the performance of the sub-processor’s obligations under its contract with the data importer."),
])
Q("Finns det underbiträden utanför EU?", "sv", "question", [
 ("003", "agera så att sådan användning inte innebär otillåten överföring till tredje land samt i övrigt sker enligt tillämplig dataskyddslagstiftning"),
 ("008", "5.3 Samtliga underbiträden ska vara lokaliserade inom EU/EEA. Överföring till tredjeland kräver den Ansvariges uttryckliga skriftliga godkännande"),
 ("010", "Underleverantör för textbearbetning (USA). Dataöverföring sker under EU-kommissionens standardavtalsklausuler (SCC, 2021)."),
 ("011", "Flera underbiträden är amerikanska bolag eller har amerikanska moderbolag (Vercel, Supabase, Resend)"),
 ("001", "Skyddsåtgärder vid tredjeland: - [ ] EU-US Data Privacy Framework - [ ] Standardavtalsklausuler (SCC)"),
])

# ---------- Third-country transfers / SCC ----------
Q("Får leverantören föra över personuppgifter till ett land utanför EU/EES?", "sv", "question", [
 ("002", "7. Överföring av personuppgifter till tredje land Behandlingen av personuppgifter sker endast i EU/EES."),
 ("006", "Personuppgiftsbiträdet får inte överföra personuppgifter till ett land utanför EU/EES utan att en av följande förutsättningar är uppfylld:"),
 ("008", "6.1 Biträdet ska inte överföra personuppgifter till länder utanför EU/EEA utan den Ansvariges föregående skriftliga godkännande."),
 ("011", "Personuppgiftsbiträdet får inte överföra personuppgifter till ett land utanför EU/EES utan att en av följande förutsättningar är uppfylld:"),
 ("013", "Överföringar till länder utanför EU/EES är endast tillåtna med:"),
 ("014", "Om personuppgifter överförs utanför EES ska Biträdet säkerställa en giltig överföringsmekanism, t.ex. EU:s standardavtalsklausuler (SCC 2021/914)."),
 ("015", "All persondata lagras inom EU/EES. Om överföring till tredje land krävs ska detta ske med:"),
])
Q("Vilka skyddsåtgärder gäller vid överföring av personuppgifter till USA?", "sv", "question", [
 ("013", "För överföringar till USA eller andra högriskländer krävs: - Data Transfer Impact Assessment (DPIA)"),
 ("011", "Skyddsåtgärd: Sådan överföring sker med stöd av EU-kommissionens standardavtalsklausuler (SCC) i respektive underbiträdes personuppgiftsbiträdesavtal"),
 ("010", "Underleverantör för textbearbetning (USA). Dataöverföring sker under EU-kommissionens standardavtalsklausuler (SCC, 2021)."),
 ("001", "Skyddsåtgärder vid tredjeland: - [ ] EU-US Data Privacy Framework - [ ] Standardavtalsklausuler (SCC)"),
])
Q("On what legal basis is EEA personal data transferred to third countries?", "en", "question", [
 ("016", "it will do so on the basis of agreements containing SCCs that ensure appropriate safeguards for the protection of Customer Data are in place or an adequacy decision"),
 ("017", "the terms of the SCCs Module Two (controller to processor) and/or Module Three (processor to processor), as completed as described in Schedule 3 of this DPA"),
 ("018", "Perplexity shall comply with the data importer’s obligations set out in the Controller to Processor Clauses or the Processor to Processor Clauses"),
 ("021", "Customer also authorizes Mistral AI to perform International Data Transfers to (a) on the basis of adequate safeguards in accordance with Applicable Data Protection Laws, or (b) pursuant to the SCCs."),
 ("019", "Onward Transfers to Facebook Subprocessors under the Processor to Processor SCCs are made pursuant to the general authorisation"),
 ("024", "Customer as data importer will be deemed to have entered into the Controller SCCs with Google Ireland Limited (the applicable Google End Controller) as data exporter"),
])
Q("Vilken modul av standardavtalsklausulerna gäller när leverantören är personuppgiftsbiträde?", "sv", "cross", [
 ("017", "I.1. The parties agree that, to the extent required by Applicable Data Protection Laws, the terms of the SCCs Module Two (controller to processor)"),
 ("016", "8.1 Module Two (Controller to Processor) of the SCCs apply when Customer is a Data Controller and OpenAI is processing Customer Data as a Data Processor."),
 ("021", "Mistral AI and Customer conclude Module 4 (Processor-to-Controller) of the SCCs which applies to any International Data Transfer"),
 ("023", "MODULE TWO: Transfer controller to processor 8.1 Instructions (a) The data importer shall process the personal data only on documented instructions from the data exporter."),
])
Q("Is our data stored only inside the EU/EEA?", "en", "cross", [
 ("002", "Behandlingen av personuppgifter sker endast i EU/EES. - Plattformen driver från en server hos Hetzner i Finland"),
 ("015", "All persondata lagras inom EU/EES. Om överföring till tredje land krävs ska detta ske med:"),
 ("008", "6.3 OpenHR är designat för self-hosting inom EU/EEA och kräver inga molntjänster utanför EU."),
 ("048", "Primär lagring: EU-baserade servrar (via Supabase)"),
 ("010", "Hetzner Online GmbH — serverhosting inom EU/EES (Nürnberg, Deutschland)."),
 ("011", "Aktuell situation: Databas, autentisering, fillagring och säkerhetskopior lagras inom EU/EES."),
])
Q("docking clause Clause 7", "en", "identifier", [
 ("023", "(a) An entity that is not a Party to these Clauses may, with the agreement of the Parties, accede to these Clauses at any time"),
 ("016", "(i) The optional docking clause in Clause 7 does not apply;"),
 ("017", "A.1.a. Clause 7 (Docking clause) – does not apply."),
 ("021", "The optional docking clause in Clause 7 is implemented; the optional redress clause in Clause 11(a) is struck;"),
])
Q("Clause 14 local laws and practices affecting compliance", "en", "identifier", [
 ("023", "(a) The Parties warrant that they have no reason to believe that the laws and practices in the third country of destination applicable to the processing"),
 ("023", "(e) The data importer agrees to notify the data exporter promptly if, after having agreed to these Clauses and for the duration of the contract"),
])
Q("Which law governs the SCCs and which courts hear disputes (Clause 17 and 18)?", "en", "identifier", [
 ("023", "[OPTION 1: These Clauses shall be governed by the law of one of the EU Member States, provided such law allows for third-party beneficiary rights."),
 ("023", "(a) Any dispute arising from these Clauses shall be resolved by the courts of an EU Member State."),
 ("017", "A.1.c. Clause 17 (Governing Law) – Option 1 will apply and the governing law will be the law of the Republic of Ireland."),
 ("018", "(iv) Clauses 17 and 18, Option 1 is deemed to be selected and the governing law and the competent courts shall be Irish law and Irish courts"),
 ("021", "The governing law in Clause 17 is the law of France;"),
 ("016", "(v) In Clause 17 (Option 1), the SCCs will be governed by the laws of England and Wales; (vi) In Clause 18(b), disputes will be resolved"),
])
Q("Hjälper Anthropic oss med underlag för en konsekvensbedömning inför överföring till tredjeland?", "sv", "cross", [
 ("017", "Anthropic will, upon Customer’s request, provide information to Customer which is reasonably necessary for Customer to complete a transfer impact assessment"),
])
Q("supervisory authority competent under Clause 13", "en", "identifier", [
 ("017", "Identify the competent supervisory authority/ies in accordance with clause 13 of the SCCs:"),
 ("018", "(iii) Clause 13 and Annex I.C, the competent supervisory authority shall be the Irish Data Protection Commission;"),
 ("016", "(ix) the competent supervisory authority is the Information Commissioner’s Office (“ICO”)."),
 ("023", "(a) [Where the data exporter is established in an EU Member State:] The supervisory authority with responsibility for ensuring compliance by the data exporter"),
])
Q("When must transfers be suspended under the SCCs?", "en", "question", [
 ("023", "(b) In the event that the data importer is in breach of these Clauses or unable to comply with these Clauses, the data exporter shall suspend the transfer"),
 ("023", "(c) The data exporter shall be entitled to terminate the contract, insofar as it concerns the processing of personal data under these Clauses, where:"),
])

# ---------- Deletion / return at end of contract ----------
Q("Vad händer med personuppgifterna när avtalet upphör – raderas de eller lämnas de tillbaka?", "sv", "question", [
 ("002", "Efter det kommer personuppgiftsbiträdet återlämna allt data till det personuppgitftansvariga och radera det från sina egna database."),
 ("003", "samt efter denna tid snarast lämna tillbaka och/eller radera alla personuppgifter som har behandlats i uppdraget"),
 ("006", "Återlämna alla personuppgifter i ett maskinläsbart format (CSV, JSON eller liknande) inom 30 dagar, och därefter radera alla kopior, eller"),
 ("008", "Återlämna samtliga personuppgifter till den Ansvarige i ett strukturerat, maskinläsbart format (PostgreSQL dump eller CSV), och därefter radera alla kopior; eller"),
 ("009", "Vid avtalets upphörande ska Biträdet, efter den Ansvariges val, radera eller återlämna samtliga uppgifter och radera befintliga kopior"),
 ("010", "1.2 Vid avtalets upphörande raderas personuppgifter inom 30 dagar, om inte lagstiftning (t.ex. bokföringslagen) kräver längre lagringstid."),
 ("011", "Återlämna alla personuppgifter i ett maskinläsbart format (CSV, JSON eller liknande) inom 30 dagar, och därefter radera alla kopior, eller"),
 ("013", "Vid avtalsupphörande ska personuppgiftsbiträdet: - Inom 30 dagar radera eller returnera all persondata"),
 ("014", "Vid avtalets upphörande ska Biträdet, enligt Kundens val, radera eller återlämna personuppgifter, om inte lag kräver fortsatt lagring."),
 ("015", "Kunden ska meddela sitt val inom 30 dagar efter avtalets upphörande. Om inget val meddelas ska personuppgifterna raderas."),
])
Q("Raderas uppgifterna inom 30 dagar efter att avtalet upphört?", "sv", "question", [
 ("005", "exportera sin data i ett maskinläsbart format (CSV, JSON eller liknande) under en period om 30 dagar. Därefter raderas all Kundens data från Leverantörens system."),
 ("006", "Radera/förstöra alla personuppgifter och bekräfta detta skriftligen till den Personuppgiftsansvarige inom 30 dagar."),
 ("008", "11.2 Radering ska ske inom 30 dagar från Huvudavtalets upphörande."),
 ("010", "1.2 Vid avtalets upphörande raderas personuppgifter inom 30 dagar, om inte lagstiftning (t.ex. bokföringslagen) kräver längre lagringstid."),
 ("011", "Radera/förstöra alla personuppgifter och bekräfta detta skriftligen till den Personuppgiftsansvarige inom 30 dagar."),
 ("013", "Vid avtalsupphörande ska personuppgiftsbiträdet: - Inom 30 dagar radera eller returnera all persondata"),
 ("015", "Kunden ska meddela sitt val inom 30 dagar efter avtalets upphörande. Om inget val meddelas ska personuppgifterna raderas."),
 ("007", "Ingen återbetalning för pågående period - Data raderas permanent inom 30 dagar"),
])
Q("What happens to our data after the agreement is terminated?", "en", "question", [
 ("016", "2.11 Data Return or Deletion. Following expiry or termination of the Agreement, OpenAI will, at Customer’s instruction, return or delete Customer Data"),
 ("017", "H.1. Within thirty (30) days of the date of termination or expiration of the Agreement, Anthropic will:"),
 ("018", "Perplexity shall delete (or, at Customer’s option, return) all Personal Data within thirty days of the end of the provision of the Services to Customer"),
 ("021", "After the end of the provision of the Mistral AI Products, Mistral AI will delete or return to Customer all Personal Data Processed on Customer’s behalf"),
 ("023", "After the end of the provision of the processing services, the data importer shall, at the choice of the data exporter, delete all personal data processed on behalf of the data exporter"),
 ("057", "upon Company’s express written notification within thirty (30) days after the termination of the Applicable Terms, Meta shall"),
 ("024", "Customer directs Google to delete Controller Personal Data, and, unless European Laws require storage, Google will facilitate such deletion"),
 ("042", "1.15. Following closure of your AWS account, we will delete Your Content in accordance with the technical documentation applicable to the Services."),
])
Q("\"within thirty (30) days\"", "en", "phrase", [
 ("017", "H.1. Within thirty (30) days of the date of termination or expiration of the Agreement, Anthropic will:"),
 ("057", "upon Company’s express written notification within thirty (30) days after the termination of the Applicable Terms, Meta shall"),
 ("026", "all fees shall be paid by Customer within thirty (30) days of xAI’s invoice date"),
 ("026", "fails to cure any material breach of this Agreement (including a failure to pay fees) within thirty (30) days after written notice"),
 ("054", "does not cure such default within thirty (30) days after receipt of written notice of such nonpayment from VIP"),
 ("054", "and fails to cure the same within thirty (30) days after receipt of written notice of such breach from the non-breaching party."),
 ("058", "you may terminate these Terms and your Mistral AI account free of charge within thirty (30) days of the date of receipt of the notification"),
])
Q("Hur länge finns våra uppgifter kvar hos Mistral efter att avtalet sagts upp?", "sv", "cross", [
 ("021", "Customer acknowledges that the Personal Data will no longer be accessible upon the expiry of a thirty (30) days period following the termination"),
])
Q("backup copies deleted 90 days after termination", "en", "cross", [
 ("011", "Uppgifter i säkerhetskopior raderas i takt med att kopiorna roteras ut, senast 90 dagar efter avtalets upphörande."),
 ("013", "Radera backup-kopior enligt överenskommen tidsplan"),
 ("012", "Du kan exportera dina data i 60 dagar - Data raderas permanent efter 90 dagar"),
])
Q("Must the processor certify that our data has been deleted?", "en", "question", [
 ("023", "delete all personal data processed on behalf of the data exporter and certify to the data exporter that it has done so"),
 ("023", "The data importer shall certify the deletion of the data to the data exporter."),
 ("006", "Radera/förstöra alla personuppgifter och bekräfta detta skriftligen till den Personuppgiftsansvarige inom 30 dagar."),
 ("008", "Radera samtliga personuppgifter och befintliga kopior, och skriftligen bekräfta att radering skett"),
 ("011", "Radera/förstöra alla personuppgifter och bekräfta detta skriftligen till den Personuppgiftsansvarige inom 30 dagar."),
 ("013", "Certifiera skriftligt att all data har raderats"),
])

# ---------- Audit ----------
Q("audit rights", "en", "keyword", [
 ("016", "allow for and contribute to audits or inspections by, or on behalf of, Customer at Customer’s sole expense."),
 ("017", "F.2. Upon Customer’s written request, Anthropic will permit Customer, at Customer’s expense, to audit Anthropic’s applicable controls and compliance with this DPA"),
 ("018", "Perplexity shall allow for and contribute to inspections and audits regarding Perplexity’s compliance with its obligations under this DPA and Privacy Laws"),
 ("021", "Customer may conduct up to one (1) on-site audit per year to verify Mistral AI’s compliance with this DPA"),
 ("023", "allow for and contribute to audits of the processing activities covered by these Clauses, at reasonable intervals or if there are indications of non-compliance."),
])
Q("revisionsrätt", "sv", "keyword", [
 ("006", "Den Personuppgiftsansvarige har rätt att, med minst 30 dagars skriftlig förvarning och högst en (1) gång per kalenderår, granska Personuppgiftsbiträdets efterlevnad"),
 ("008", "9.1 Den Ansvarige har rätt att genomföra revision av Biträdets behandling, antingen själv eller genom en oberoende tredjepartsrevisor"),
 ("009", "samt möjliggöra och bidra till granskningar, inbegripet inspektioner, som genomförs av den Ansvarige eller en av denne utsedd revisor."),
 ("010", "9.2 Personuppgiftsbiträdet ska möjliggöra revisioner som utförs av Personuppgiftsansvarig eller av denne utsedd revisor"),
 ("011", "Den Personuppgiftsansvarige har rätt att, med minst 30 dagars skriftlig förvarning och högst en (1) gång per kalenderår, granska Personuppgiftsbiträdets efterlevnad"),
 ("013", "8.1 REVISIONSRÄTTIGHETER Den personuppgiftsansvarige har rätt att: - Genomföra revisioner av säkerhetsåtgärder"),
 ("014", "Kunden har rätt att genomföra revision av Biträdet, högst en gång per år, med skälig förvarning."),
 ("015", "Kunden har rätt att genomföra revision av Biträdets efterlevnad av detta avtal: - Med minst 30 dagars skriftligt varsel"),
])
Q("Hur ofta får vi göra revision hos leverantören och vem betalar?", "sv", "question", [
 ("006", "Granskning sker på den Personuppgiftsansvariges bekostnad."),
 ("008", "9.4 Kostnader för revision bärs av den Ansvarige, om inte revisionen avslöjar väsentliga brister hos Biträdet."),
 ("008", "9.3 Revision ska genomföras minst en gång per kalenderår under avtalstiden."),
 ("011", "Granskning sker på den Personuppgiftsansvariges bekostnad och av Kunden eller en oberoende granskare som är bunden av sekretess."),
 ("014", "Kunden har rätt att genomföra revision av Biträdet, högst en gång per år, med skälig förvarning."),
 ("015", "Högst en gång per år (om inte incident föranleder ytterligare revision) - Under ordinarie kontorstid - På Kundens bekostnad"),
])
Q("How much advance notice is required before an audit?", "en", "question", [
 ("021", "This audit must be conducted with reasonable advance written notice of at least ninety (90) calendar days,"),
 ("018", "no more than once every 12 months, upon 30 days’ advance written notice to Perplexity"),
 ("023", "Audits may include inspections at the premises or physical facilities of the data importer and shall, where appropriate, be carried out with reasonable notice."),
])
Q("Får vi göra platsbesök (inspektion på plats) hos AI-leverantören?", "sv", "cross", [
 ("021", "Customer may conduct up to one (1) on-site audit per year to verify Mistral AI’s compliance with this DPA"),
 ("023", "Audits may include inspections at the premises or physical facilities of the data importer and shall, where appropriate, be carried out with reasonable notice."),
 ("016", "allow for and contribute to audits or inspections by, or on behalf of, Customer at Customer’s sole expense."),
 ("018", "Notwithstanding the foregoing, in no event shall Perplexity be required to give Customer access to information, facilities or systems"),
])
Q("SOC 2", "en", "keyword", [
 ("017", "Anthropic will provide Customer with such audit reports or certificates applicable to the Services (e.g., SOC 2 report), to the extent available"),
 ("015", "Alternativt kan Biträdet tillhandahålla: - Certifieringar (SOC 2, ISO 27001)"),
 ("013", "ISO 27001 certifiering (eller motsvarande) - SOC 2 Type II rapporter"),
 ("001", "Verifiera certifieringar (ISO 27001, SOC 2, etc.)"),
])
Q("How often may we audit the supplier and with how much notice?", "en", "question", [
 ("018", "no more than once every 12 months, upon 30 days’ advance written notice to Perplexity"),
 ("017", "(c) a similar Audit has not already been conducted less than twelve (12) months prior, unless there are indications of non-compliance"),
 ("016", "(B) necessary to confirm that OpenAI is processing Customer Data in a manner consistent with this DPA; and (C) occur no more than once per year."),
 ("006", "Den Personuppgiftsansvarige har rätt att, med minst 30 dagars skriftlig förvarning och högst en (1) gång per kalenderår, granska Personuppgiftsbiträdets efterlevnad"),
 ("011", "Den Personuppgiftsansvarige har rätt att, med minst 30 dagars skriftlig förvarning och högst en (1) gång per kalenderår, granska Personuppgiftsbiträdets efterlevnad"),
 ("015", "Kunden har rätt att genomföra revision av Biträdets efterlevnad av detta avtal: - Med minst 30 dagars skriftligt varsel"),
])

# ---------- Liability ----------
Q("liability cap", "en", "keyword", [
 ("025", "(ii) is limited to Fees paid by Customer for the Services in the previous 12 months."),
 ("026", "SHALL IN NO EVENT EXCEED THE FEES PAID BY CUSTOMER TO XAI DURING THE TWELVE (12) MONTH PERIOD PRIOR TO WHEN THE CLAIM AROSE."),
 ("030", "will not exceed the greater of one hundred dollars ($100) or the amount you have paid us in the past twelve months."),
 ("051", "shall not exceed the total service fees you have actually consumed for the service in the past twelve months."),
 ("022", "shall be limited to one (1) month's fees and the remaining portion of any prepaid fees."),
 ("024", "7.1 Liability Cap. If the Agreement is governed by the laws of:"),
])
Q("ansvarsbegränsning", "sv", "keyword", [
 ("005", "Leverantörens totala skadeståndsansvar under detta avtal är, oavsett ansvarsbas (avtalsbrott, culpa, produktansvar eller annat), begränsat till ett belopp"),
 ("007", "Vårt totala ansvar är begränsat till det belopp du betalat de senaste 12 månaderna"),
 ("012", "Vårt totala ansvar är begränsat till det lägsta av: (a) 1000 kr, eller (b) det belopp du betalat för tjänsten under den senaste månaden"),
 ("015", "Biträdets totala ansvar under detta avtal begränsas till det belopp som framgår av huvudavtalet, dock lägst motsvarande 12 månaders avgifter."),
 ("059", "Tele2s skadeståndsansvar gentemot abonnenten är begränsat till 3.000 kronor per år"),
 ("046", "Vi ansvarar inte för indirekta skador, förlorad vinst eller dataförlust som uppstår från användningen av våra tjänster."),
 ("006", "Ansvarsfördelning och eventuell ansvarsbegränsning enligt SaaS-avtalet gäller även för detta PUB-avtal"),
 ("011", "Ansvarsfördelning och eventuell ansvarsbegränsning enligt huvudavtalet gäller även för detta PUB-avtal."),
 ("014", "Ansvar och ansvarsbegränsningar regleras i huvudavtalet mellan parterna."),
])
Q("Hur mycket kan leverantören som mest bli skyldig att betala i skadestånd?", "sv", "question", [
 ("005", "begränsat till ett belopp motsvarande de avgifter Kunden betalat till Leverantören under de senaste tolv (12) kalendermånaderna"),
 ("007", "Vårt totala ansvar är begränsat till det belopp du betalat de senaste 12 månaderna"),
 ("012", "Vårt totala ansvar är begränsat till det lägsta av: (a) 1000 kr, eller (b) det belopp du betalat för tjänsten under den senaste månaden"),
 ("015", "Biträdets totala ansvar under detta avtal begränsas till det belopp som framgår av huvudavtalet, dock lägst motsvarande 12 månaders avgifter."),
 ("059", "Tele2s skadeståndsansvar gentemot abonnenten är begränsat till 3.000 kronor per år"),
])
Q("Hur högt är Anthropics skadeståndstak enligt de kommersiella villkoren?", "sv", "cross", [
 ("025", "(ii) is limited to Fees paid by Customer for the Services in the previous 12 months."),
 ("025", "2. The limitations of liability in this Section L.3 (Limits on Liability) do not apply to either party’s obligations under Section K (Indemnification)."),
])
Q("Can liability for administrative fines imposed by the data protection authority be limited?", "en", "cross", [
 ("006", "med undantag för att ingen part kan begränsa ansvar för böter och administrativa sanktionsavgifter som en part åläggs direkt av Integritetsskyddsmyndigheten (IMY)"),
 ("011", "Ingen part kan begränsa sitt ansvar för administrativa sanktionsavgifter som parten åläggs direkt av Integritetsskyddsmyndigheten (IMY)"),
])
Q("Does the liability cap apply in cases of gross negligence or wilful misconduct?", "en", "question", [
 ("026", "EITHER PARTY’S GROSS NEGLIGENCE OR WILLFUL MISCONDUCT, OR CUSTOMER’S PAYMENT OBLIGATIONS, EACH PARTY’S AGGREGATE LIABILITY"),
 ("005", "Begränsningarna i 5.1 och 5.2 gäller inte vid: • Grov vårdslöshet eller uppsåtlig handling från Leverantörens sida."),
 ("015", "Ansvarsbegränsningen gäller inte vid: - Uppsåt eller grov vårdslöshet"),
 ("007", "Undantag: Skador orsakade av grov vårdslöshet eller uppsåt"),
])
Q("consequential damages", "en", "keyword", [
 ("025", "(i) excludes damages that are consequential, incidental, special, indirect, or exemplary damages, including lost profits"),
 ("026", "8.1 Exclusion of Damages. NEITHER PARTY SHALL BE LIABLE, UNDER ANY LEGAL OR EQUITABLE THEORY OF LAW"),
 ("051", "7.3 Unless otherwise agreed, neither party shall bear incidental, consequential, punitive, special, or indirect losses or damages"),
 ("022", "i-on will not be liable under any circumstances for any lost profits or other consequential damages"),
])
Q("indirekt skada", "sv", "keyword", [
 ("005", "Indirekta skador, följdskador, utebliven vinst, produktionsbortfall eller förlust av data."),
 ("007", "Vi ansvarar inte för indirekta skador, förlorad vinst eller dataförlust"),
 ("012", "Indirekt skada, förlorad vinst eller följdskador"),
 ("046", "Vi ansvarar inte för indirekta skador, förlorad vinst eller dataförlust som uppstår från användningen av våra tjänster."),
 ("059", "Eventuellt skadeståndsansvar för Tele2 skall inte omfatta indirekt förlust, följdskada"),
])

# ---------- Term, renewal, termination ----------
Q("var står uppsägningstiden", "sv", "question", [
 ("005", "förlängs automatiskt med 12 månader i taget, om det inte sagts upp skriftligen senast 3 månader före utgången av den löpande avtalsperioden."),
 ("004", "Avtalet gäller från avtalsdagen och tills vidare utan uppsägningstid."),
 ("012", "Uppsägning måste ske senast 24 timmar före förnyelsedatum för att undvika nästa debitering"),
 ("005", "Om Kunden inte accepterar förändringarna äger Kunden rätt att säga upp avtalet med 30 dagars varsel."),
])
Q("automatisk förlängning", "sv", "keyword", [
 ("005", "Avtalet gäller i 12 månader från Startdatum och förlängs automatiskt med 12 månader i taget"),
 ("012", "Prenumerationen förnyas automatiskt enligt vald faktureringsperiod (månadsvis eller årligen)"),
 ("007", "Betalningar behandlas via Stripe - Automatisk förnyelse om inte annullerad"),
])
Q("auto-renewal", "en", "keyword", [
 ("022", "This Agreement shall automatically be renewed for one (1) or more one (1) month periods unless either the Customer or i-on gives notice"),
 ("026", "the “Subscription Term” is one (1) year and shall auto-renew for successive renewal terms of equal length."),
 ("037", "Notice of non-renewal or scope reduction must be given at least thirty days before the start of the next Renewal Term."),
 ("041", "Each Service Option Attachment will renew automatically for an additional term equal in duration to the previous term"),
 ("053", "This agreement shall renew automatically each year thereafter, unless either party serves written notice of its intention not to renew"),
 ("050", "Your Subscription will last for the Initial Term and will automatically renew for an additional term equal in duration to the Initial Term"),
])
Q("Can either party terminate for convenience, and with what notice?", "en", "question", [
 ("025", "1. Each party may terminate these Terms at any time for convenience with Notice, except Anthropic must provide 30 days prior Notice."),
 ("022", "Either party may terminate this Agreement without cause at any time effective upon thirty (30) days' written notice."),
 ("034", "terminate this Agreement in whole or in part, at any time without cause, and without liability except"),
 ("041", "for convenience at the end of any calendar month by: a. providing at least one month's prior written notice to IBM; and"),
])
Q("Kan vi säga upp avtalet utan skäl med 30 dagars varsel?", "sv", "cross", [
 ("025", "1. Each party may terminate these Terms at any time for convenience with Notice, except Anthropic must provide 30 days prior Notice."),
 ("022", "Either party may terminate this Agreement without cause at any time effective upon thirty (30) days' written notice."),
])
Q("How long is the cure period before termination for material breach?", "en", "question", [
 ("025", "2. Either party may terminate these Terms for the other party’s material breach by providing 30 days prior Notice detailing the nature of the breach unless cured"),
 ("026", "either party may terminate this Agreement if the other party (a) fails to cure any material breach of this Agreement (including a failure to pay fees) within thirty (30) days"),
 ("034", "such failure shall have continued without cure for a period of 30 days after receipt by the Breaching Party of a written notice of such failure"),
 ("041", "The breaching party will have thirty (30) days from receipt of notice to cure such breach"),
 ("054", "and fails to cure the same within thirty (30) days after receipt of written notice of such breach from the non-breaching party."),
])
Q("väsentligt avtalsbrott", "sv", "keyword", [
 ("005", "Väsentligen bryter mot avtalet och inte vidtar rättelse inom 30 dagar efter skriftlig anmärkning."),
 ("004", "Uppdragsgivaren har rätt att omedelbart häva avtalet om - byrån bryter mot avtalet och inte vidtar åtgärder för att korrigera avtalsbrottet inom rimlig tid."),
 ("008", "12.2 Den Ansvarige har rätt att säga upp detta avtal med omedelbar verkan vid väsentligt brott mot Biträdets skyldigheter."),
 ("059", "Gör part sig skyldig till väsentligt kontraktsbrott och har han ej vidtagit rättelse senast 30 dagar efter det att han erhöll skriftlig anmaning"),
])
Q("Upphör biträdesavtalet automatiskt när huvudavtalet sägs upp?", "sv", "question", [
 ("009", "Vid uppsägning av det underliggande tjänsteavtalet ska detta biträdesavtal automatiskt upphöra att gälla"),
 ("015", "Vid uppsägning av huvudavtalet upphör även detta avtal. Bestämmelserna om radering/återlämnande (avsnitt 6.7) och konfidentialitet fortsätter att gälla."),
 ("008", "12.1 Detta avtal gäller från och med undertecknandet och löper så länge Biträdet behandlar personuppgifter för den Ansvariges räkning under Huvudavtalet."),
 ("013", "Detta DPA gäller under hela huvudavtalets löptid."),
])
Q("Kan avtalet sägas upp om motparten går i konkurs?", "sv", "question", [
 ("005", "Försätts i konkurs, inleder ackordsförhandlingar eller på annat sätt är insolvent."),
 ("004", "uppdragsgivaren är försatt i konkurs eller av annan anledning inte kan betala sina skulder."),
])
Q("Can we terminate if the other party becomes insolvent or bankrupt?", "en", "question", [
 ("026", "(c) seeks protection under any bankruptcy, receivership, trust deed, creditors’ arrangement, composition, or comparable proceeding"),
 ("054", "C. In the event that a party hereto becomes or is declared insolvent or bankrupt, is the subject of any proceedings relating to its liquidation"),
])

# ---------- Governing law / disputes ----------
Q("Vilken domstol avgör tvister enligt avtalet?", "sv", "question", [
 ("004", "Tvist mellan Parterna ska först och främst lösas genom förhandling och i andra hand av allmän domstol i den stad Byrån har sitt kontor."),
 ("005", "Om parterna inte kan enas inom 30 dagar ska tvisten avgöras av allmän domstol i Sverige, med Göteborgs tingsrätt som första instans."),
 ("008", "13.2 Tvister som uppstår med anledning av detta avtal ska avgöras av svensk allmän domstol, med [ort] tingsrätt som första instans."),
 ("009", "Om parterna inte kan enas ska tvisten avgöras av svensk allmän domstol."),
 ("010", "Tvister som uppstår i anledning av detta avtal ska slutligt avgöras av Stockholms tingsrätt som första instans."),
 ("012", "11.2 Tingsrätt - Växjö tingsrätt är första instans för tvister"),
 ("014", "Avtalet regleras av svensk lag. Tvister avgörs av svensk allmän domstol."),
 ("015", "Om parterna inte kan enas ska tvisten avgöras av svensk allmän domstol med Stockholms tingsrätt som första instans."),
 ("007", "13.2 Tvistelösning - Försök till förlikning innan rättslig process - Tvister avgörs av svensk domstol"),
 ("046", "Dessa villkor regleras av norsk lag. Eventuella tvister ska lösas i norska domstolar."),
])
Q("skiljeförfarande", "sv", "keyword", [
 ("059", "skall slutligen avgöras av skiljemän enligt vid tidpunkten för tvisten gällande svensk lag därom."),
 ("059", "skall tvisten avgöras av ensam skiljeman som på parts begäran utses av Stockholms Handelskammare."),
 ("005", "Alternativ: Överväg skiljedomsklausul (SCC – Stockholms Handelskammares Skiljedomsinstitut) om ni arbetar med större kunder."),
])
Q("Is Swedish law applicable to the agreement?", "en", "cross", [
 ("005", "Detta avtal ska tolkas och tillämpas i enlighet med svensk lag, utan tillämpning av dess lagvalsregler."),
 ("007", "13.1 Tillämplig lag Dessa Villkor omfattas av svensk lag."),
 ("008", "13.1 Svensk lag ska tillämpas på detta avtal."),
 ("009", "Detta avtal ska tolkas i enlighet med svensk lag."),
 ("010", "Svensk rätt tillämpas på detta avtal. Tvister som uppstår i anledning av detta avtal"),
 ("012", "11.1 Gällande lag - Dessa villkor styrs av svensk lag"),
 ("014", "Avtalet regleras av svensk lag. Tvister avgörs av svensk allmän domstol."),
 ("015", "10.1 Tillämplig Lag Detta avtal lyder under svensk lag."),
 ("059", "Svensk rätt skall tillämpas. Motsvarande som ovan skall också gälla"),
 ("006", "Detta avtal ska tolkas och tillämpas i enlighet med GDPR och svensk dataskyddslagstiftning."),
])
Q("Which law and which courts apply for customers in the EEA?", "en", "question", [
 ("025", "“Governing Laws” means (i) for Customers in the EEA, Switzerland, or UK, the Laws of Ireland; and (ii) for all other Customers, the laws of the State of California."),
 ("025", "“Venue” means (i) for Customers in the EEA, Switzerland or UK, the courts of Ireland"),
 ("030", "Commercial Claim between you and Meta Platforms Ireland Limited must be resolved exclusively in the courts of the Republic of Ireland"),
])
Q("Vilket lands lag gäller för Anthropics kommersiella villkor för kunder i EU?", "sv", "cross", [
 ("025", "“Governing Laws” means (i) for Customers in the EEA, Switzerland, or UK, the Laws of Ireland; and (ii) for all other Customers, the laws of the State of California."),
 ("025", "Disputes will be determined by a sole arbitrator in Dublin, Ireland pursuant the UNCITRAL Arbitration Rules"),
])
Q("arbitration", "en", "keyword", [
 ("030", "these Commercial Terms require the resolution of most disputes between you and us by binding arbitration on an individual basis; class actions and jury trials are not permitted."),
 ("030", "all parties are waiving their respective rights to a trial by jury or to participate in a class or representative action."),
 ("025", "2. Arbitration. Any Dispute will be determined in English by final, binding arbitration according to the region-specific processes below."),
 ("053", "shall be resolved through arbitration pursuant to the Commercial Arbitration Rules of the American Arbitration Association then in effect"),
 ("047", "that you and Zoom will arbitrate certain claims instead of going to court and that you will not bring class-action claims against Zoom"),
])
Q("\"laws of the State of New York\"", "en", "phrase", [
 ("053", "shall be governed by the laws of the state of New York."),
])
Q("Vilken tillsynsmyndighet anges i PUB-avtalet?", "sv", "question", [
 ("006", "Tillsynsmyndighet är Integritetsskyddsmyndigheten (IMY), Box 8114, 104 20 Stockholm, imy.se."),
 ("011", "Tillsynsmyndighet är Integritetsskyddsmyndigheten (IMY), Box 8114, 104 20 Stockholm, imy.se. Tvister avgörs enligt huvudavtalets"),
])

# ---------- Force majeure ----------
Q("force majeure-händelse", "sv", "keyword", [
 ("004", "Om Part förhindras att uppfylla sina avtalsförpliktelser genom händelser utanför hans kontroll (force majeure), såsom strejk, arbetsblockad"),
 ("005", "Part är befriad från påföljd för underlåtenhet att fullgöra förpliktelse enligt detta avtal om underlåtenheten beror på omständighet utanför partens kontroll"),
 ("007", "11. Force Majeure Vi är inte ansvariga för dröjsmål eller fel som orsakas av: - Naturkatastrofer"),
 ("059", "8. FORCE MAJEUR. Tele2 skall vara befriat från nedsättning av avgift och andra påföljder om fullgörandet av visst åtagande förhindras"),
 ("060", "Vid force majeure (krig, nödsituationer, naturkatastrofer, etc.) garanterar Administrationen inte bevarandet av användarinlagd information"),
])
Q("force majeure", "en", "keyword", [
 ("025", "10. Force Majeure. Neither party will be liable for failure or delay in performance to the extent caused by circumstances beyond its reasonable control."),
 ("034", "3.7 Force Majeure. If Provider is prevented from or delayed in complying, either totally or in part, with any of the terms or provisions of this Agreement"),
 ("022", "Neither the Customer nor i-on shall be deemed in default if its performance or obligations hereunder are delayed or become impossible or impractical by reason of any act of God"),
 ("056", "We do not take responsibility for loss or damage caused by events beyond our reasonable control."),
])
Q("Kan vi säga upp avtalet om en force majeure-händelse pågår länge?", "sv", "question", [
 ("059", "Om abonnemangets fullgörande till väsentlig del förhindras under längre tid än tre månader på grund av omständighet enligt ovan"),
])
Q("Can the contract be terminated if force majeure lasts more than three months?", "en", "question", [
 ("034", "If the Force Majeure in question prevails for a continuous period in excess of three months after the date on which the Force Majeure begins"),
 ("059", "Om abonnemangets fullgörande till väsentlig del förhindras under längre tid än tre månader på grund av omständighet enligt ovan"),
])
Q("Måste parten meddela motparten vid force majeure?", "sv", "question", [
 ("004", "Part ska omedelbart meddela den andra parten när force majeure uppkommer och upphör."),
 ("005", "Part ska utan dröjsmål underrätta den andra parten om en force majeure-händelse och dess förväntade varaktighet."),
])

# ---------- Price changes ----------
Q("prisjustering KPI", "sv", "keyword", [
 ("005", "Prisjustering sker årligen i januari månad med max 5 % eller i enlighet med KPI (konsumentprisindex), det lägre värdet tillämpas."),
 ("004", "Byrån äger rätten att årligen göra en prishöjning om 3% på avtalat pris."),
])
Q("Hur långt i förväg måste leverantören meddela en prishöjning?", "sv", "question", [
 ("005", "Kunden meddelas skriftligen senast 60 dagar i förväg."),
 ("007", "Vi förbehåller oss rätten att ändra priser med 30 dagars varsel"),
 ("012", "Prisändringar meddelas minst 30 dagar i förväg"),
])
Q("How much notice do we get before a subscription price increase?", "en", "question", [
 ("050", "If these changes result in an increase in the fees payable by you, we will inform you at least 30 days in advance of the change"),
 ("056", "If we increase our subscription prices, we will give you at least 30 days’ notice and any price increase will take effect on your next renewal"),
 ("058", "If we increase our prices, we will give you at least thirty (30) days’ notice by email sent to the email address associated with your Mistral AI account"),
 ("037", "6.6. Corrections. Price changes on the Pricing Page will be effective fourteen days after they are posted."),
 ("051", "If such adjustments significantly affect your rights, we will promptly notify you through prominent methods such as in-site notifications"),
])
Q("Kan OpenAI höja priset under avtalsperioden och när gäller nya priser?", "sv", "cross", [
 ("037", "6.6. Corrections. Price changes on the Pricing Page will be effective fourteen days after they are posted."),
 ("056", "If we increase our subscription prices, we will give you at least 30 days’ notice and any price increase will take effect on your next renewal"),
])

# ---------- SLA / availability / maintenance ----------
Q("tillgänglighetsgaranti", "sv", "keyword", [
 ("005", "Leverantören strävar efter en driftstabilitet om 99,5 % mätt per kalendermånad, exklusive planerat underhåll"),
 ("012", "Tjänsten är tillgänglig 24/7 via internet - Vi strävar efter 99% upptid"),
])
Q("uptime guarantee", "en", "keyword", [
 ("033", "Includes a 99 percent server uptime guarantee."),
 ("055", "provided that the Originating Locations will comply with the same \"Uptime Requirements\" specified with respect to the \"Managed Site\""),
 ("042", "1.12. If you have been charged for a Service for a period when that Service was unavailable (as defined in the applicable Service Level Agreement"),
])
Q("Vilken kompensation får vi om tjänsten inte är tillgänglig enligt SLA?", "sv", "question", [
 ("005", "99,0 – 99,49 % | 3,6 – 7,2 timmar | 5 % kredit på månadsavgift"),
 ("005", "Kredit utgör Kundens enda kompensation vid driftstörning och ger inte rätt till ytterligare skadestånd, om inte grov vårdslöshet föreligger."),
])
Q("Do we get a service credit when the service is unavailable?", "en", "question", [
 ("042", "you may request a Service credit equal to any charged amounts for such period."),
 ("005", "99,0 – 99,49 % | 3,6 – 7,2 timmar | 5 % kredit på månadsavgift"),
])
Q("planerat underhåll", "sv", "keyword", [
 ("005", "Planerat underhåll meddelas via e-post eller i systemet senast 48 timmar i förväg och ska i möjligaste mån förläggas till lågtrafiktid"),
 ("012", "Planerat underhåll meddelas minst 24 timmar i förväg - Akuta åtgärder kan utföras utan förvarning"),
])
Q("What happens during scheduled maintenance or prolonged downtime?", "en", "question", [
 ("054", "BNL acknowledges that there will be scheduled downtime for the routine preventive maintenance of VIP's System"),
 ("054", "In the event that any such down-time extends for more than two (2) consecutive working days, VIP, at its expense, will make available to BNL access to a backup facility"),
 ("055", "NAI reserves the right to cease publication of the Originating Locations for brief periods from time to time for maintenance or other purposes"),
])
Q("Who is responsible for backups of our content?", "en", "question", [
 ("036", "We strongly advise you to make regular back-up copies of Your Content."),
 ("033", "This includes regular off-site backups of the website itself and the database."),
 ("059", "Tele2 svarar ej för säkerhetskopiering utan abonnenten måste själv svara för att ta backup och återställa eget utrymme"),
 ("007", "Vi ansvarar inte för dataförlust (du bör säkerhetskopiera regelbundet)"),
])

# ---------- Model training on customer data ----------
Q("Will the supplier use our business data to train its AI models?", "en", "question", [
 ("025", "Anthropic may not train models on Customer Content from Services."),
 ("026", "xAI shall not use any User Content for any of its internal AI or other training purposes (such as training its machine learning models)"),
 ("037", "OpenAI will not use Customer Content to develop or improve the Services, unless Customer explicitly agrees to such use."),
 ("038", "4.2. Training. Mistral AI will not use Customer Data or Outputs to train its artificial intelligence models except"),
 ("049", "2.3.3 Model Training. Perplexity shall not use (or authorize third parties to use) Customer Content to train, retrain, fine-tune or otherwise improve any generative artificial intelligence models."),
 ("018", "For the avoidance of doubt, Personal Data will not be used for training of Perplexity’s large language models."),
 ("021", "Training its artificial intelligence models in accordance with its Privacy Policy, unless (a) Customer opted-out of training"),
])
Q("Används våra uppgifter för att träna AI-modeller?", "sv", "cross", [
 ("025", "Anthropic may not train models on Customer Content from Services."),
 ("026", "xAI shall not use any User Content for any of its internal AI or other training purposes (such as training its machine learning models)"),
 ("037", "OpenAI will not use Customer Content to develop or improve the Services, unless Customer explicitly agrees to such use."),
 ("038", "4.2. Training. Mistral AI will not use Customer Data or Outputs to train its artificial intelligence models except"),
 ("049", "2.3.3 Model Training. Perplexity shall not use (or authorize third parties to use) Customer Content to train, retrain, fine-tune or otherwise improve any generative artificial intelligence models."),
 ("018", "For the avoidance of doubt, Personal Data will not be used for training of Perplexity’s large language models."),
 ("021", "Training its artificial intelligence models in accordance with its Privacy Policy, unless (a) Customer opted-out of training"),
])
Q("How can users opt out of model training?", "en", "question", [
 ("050", "including training our models, unless you opt out of training through your account settings."),
 ("056", "Opt out. If you do not want us to use your Content to train our models, you have the option to opt out by updating your account settings."),
 ("061", "When logged into our Service, you can select whether or not you want us to use your User Content to improve our products and services and train our models."),
 ("032", "you can opt out by turning off \"Improve the model for everyone\"."),
])
Q("Is our feedback (thumbs up/down) used to train the models?", "en", "question", [
 ("021", "Customer acknowledges that if Customer provides feedback to Mistral AI by using the in-app \"thumbs up\" or \"thumbs down\" features"),
 ("050", "If you rate an Output in response to an Input—for example, by using the thumbs up/thumbs down icon—we will store the related conversation as part of your Feedback."),
 ("050", "Even if you opt out, we will use Materials for model training when: (1) you provide Feedback to us regarding any Materials"),
])
Q("\"Kontrollera om AI-leverantören använder data för träning\"", "sv", "phrase", [
 ("001", "Kontrollera om AI-leverantören använder data för träning av modeller (bör undvikas)"),
])
Q("Labs Models experimental models training", "en", "identifier", [
 ("038", "4.3. Labs Models. Mistral AI may provide its commercial Customers access to experimental or pre-release models identifiable by the prefix “labs”"),
])

# ---------- Age limits / children ----------
Q("Must users be at least 18 years old?", "en", "question", [
 ("050", "Minimum age. You must be at least 18 years old to use the Services."),
 ("052", "You must be at least 18 years old or the age of majority in your jurisdiction, whichever is higher, in order to access or use the Services."),
 ("026", "terms are for enterprise (business) users of the xAI API and related xAI Services who are at least 18 years old."),
 ("032", "2.1 The Services are primarily intended for adults. If you are under 18 years old or the minimum age required in your country"),
 ("031", "You must be at least 18 years old to use ChatGPT agent."),
])
Q("\"at least 13 years\"", "en", "phrase", [
 ("056", "Minimum age. You must be at least 13 years old or the minimum age required in your country to consent to use the Services."),
 ("061", "Minimum age. You must be at least 13 years old or the minimum age required in your country to use the Service"),
 ("040", "A User must be at least 13 years of age. Special terms may apply for business or government Accounts"),
])
Q("Vilken åldersgräns gäller för att skapa ett konto?", "sv", "question", [
 ("007", "För att använda Tjänsten måste du: - Vara minst 16 år gammal"),
 ("039", "För att kunna skapa ett Användarkonto måste Användaren vara minst 18 år gammal och ha tillgång till BankID för identifiering."),
 ("046", "För att använda Lekbanken måste du vara minst 18 år gammal eller ha tillstånd från vårdnadshavare."),
])
Q("Får elever under 18 använda Claude.ai eller ChatGPT?", "sv", "cross", [
 ("050", "Minimum age. You must be at least 18 years old to use the Services."),
 ("056", "If you are under 18, you must have your parent or legal guardian’s permission to use the Services and ask them to read these Terms with you."),
])
Q("May we submit personal data about children under 13?", "en", "question", [
 ("030", "information that: (i) you know or reasonably should know is from or about children under the age of 13"),
 ("057", "(i) is from or about children under the age of thirteen (13) or other age of online minority in the applicable jurisdiction"),
 ("038", "(c) include any personal information of children under 13 or the applicable age of digital consent as Customer Data"),
 ("058", "(c) Send us any personal information of children under 13 or the applicable age of digital consent"),
 ("037", "(c) allow minors to use OpenAI Services without consent from their parent or guardian"),
 ("040", "GitHub does not target our Service to children under 13, and we do not permit any Users under 13 on our Service."),
])
Q("vårdnadshavares samtycke", "sv", "keyword", [
 ("015", "Behandling av barns personuppgifter (under 18 år) sker endast med vårdnadshavares samtycke enligt GDPR artikel 8."),
 ("011", "När Tjänsten riktar sig till personer under 18 år ansvarar Kunden för att fastställa åldersgränser och för att vårdnadshavares samtycke inhämtas"),
 ("046", "För att använda Lekbanken måste du vara minst 18 år gammal eller ha tillstånd från vårdnadshavare."),
])
Q("Child Sexual Abuse Material CSAM", "en", "identifier", [
 ("029", "Mistral AI has a zero tolerance policy regarding CSAM."),
 ("028", "We report suspected child sexual abuse material to the National Center for Missing and Exploited Children."),
 ("031", "child sexual abuse material (CSAM), whether or not any portion is AI generated"),
 ("035", "or failure to report Child Sexual Abuse Material"),
 ("020", "for any content or activity that promotes child sexual exploitation or abuse;"),
])

# ---------- Sensitive / special category data ----------
Q("känsliga personuppgifter", "sv", "keyword", [
 ("008", "| Känsliga uppgifter (Art. 9) | Sjukfrånvaro (ej diagnos), rehabiliteringsärenden, facklig tillhörighet |"),
 ("011", "Parterna är överens om att samtliga medlems-, deltagar- och prenumerantuppgifter i sådant fall ska behandlas med den förhöjda skyddsnivå"),
 ("015", "Viktigt: Behandling av särskilda kategorier kräver uttryckligt samtycke från den registrerade."),
 ("006", "Behandlar ni känsliga personuppgifter (hälsa, etnicitet, religion, politisk åskådning etc.)? Dessa kräver extra skyddsåtgärder och måste anges explicit här."),
 ("013", "Känsliga personuppgifter: [Ja/Nej - specificera vilka om ja]"),
])
Q("Are special categories of personal data processed under the DPA?", "en", "question", [
 ("017", "B.3. Special categories of personal data (if applicable): None."),
 ("021", "Special categories of personal data (if applicable): None."),
 ("016", "No sensitive data is intended to be transferred unless the user includes it unexpectedly in unstructured data"),
 ("018", "No sensitive data is intended to be processed unless an Authorized User includes it unexpectedly in Input."),
])
Q("Are we allowed to submit health data or other sensitive data to the service?", "en", "question", [
 ("026", "(b) any information that includes or constitutes sensitive personal data under any applicable privacy laws or other rules, (c) “protected health information,”"),
 ("037", "5.4. HIPAA. Customer agrees not to use the Services to create, receive, maintain, transmit, or otherwise process Protected Health Information"),
 ("030", "(ii) includes health, financial, biometrics, or other categories of similarly sensitive information"),
 ("057", "(ii) includes health related data, financial data, other categories of sensitive data"),
])
Q("Får vi lägga in hälsouppgifter i AI-tjänsten?", "sv", "cross", [
 ("026", "(b) any information that includes or constitutes sensitive personal data under any applicable privacy laws or other rules, (c) “protected health information,”"),
 ("037", "5.4. HIPAA. Customer agrees not to use the Services to create, receive, maintain, transmit, or otherwise process Protected Health Information"),
 ("030", "(ii) includes health, financial, biometrics, or other categories of similarly sensitive information"),
 ("057", "(ii) includes health related data, financial data, other categories of sensitive data"),
])
Q("SCC sensitive data clause 8.7 specific restrictions", "en", "identifier", [
 ("023", "(hereinafter ‘sensitive data’), the data importer shall apply the specific restrictions and/or additional safeguards described in Annex I.B."),
 ("023", "(hereinafter ‘sensitive data’), the data importer shall apply the specific restrictions and/or additional safeguards set out in Annex I.B."),
])

# ---------- Government / law-enforcement access ----------
Q("Will we be notified if a law enforcement authority requests our data?", "en", "question", [
 ("016", "OpenAI will, to the extent legally permitted, inform Customer if OpenAI receives a legally binding request for disclosure of Customer Data by a law enforcement authority."),
 ("018", "If Perplexity receives (i) any legally binding request for disclosure of Personal Data by a law enforcement authority"),
 ("023", "(i) receives a legally binding request from a public authority, including judicial authorities, under the laws of the country of destination"),
 ("043", "3. We will also provide users notice if their data is requested, unless we believe we're legally prohibited from doing so"),
 ("043", "In particular, if data is sought on an API or enterprise customer, we will generally ask the requester to contact our customer in the first instance."),
])
Q("Vad gör leverantören om en utländsk myndighet begär ut våra uppgifter?", "sv", "cross", [
 ("023", "(i) receives a legally binding request from a public authority, including judicial authorities, under the laws of the country of destination"),
 ("023", "(a) The data importer agrees to review the legality of the request for disclosure, in particular whether it remains within the powers granted"),
 ("044", "Requests to OpenAI Ireland by non-Irish law enforcement or government agencies must be made using appropriate diplomatic or other government-to-government mechanisms"),
 ("043", "Anthropic does not disclose information about customers or end users of our services in response to government requests except in accordance with valid legal process"),
 ("016", "OpenAI will, to the extent legally permitted, inform Customer if OpenAI receives a legally binding request for disclosure of Customer Data by a law enforcement authority."),
 ("018", "If Perplexity receives (i) any legally binding request for disclosure of Personal Data by a law enforcement authority"),
])
Q("Does the provider require a subpoena or warrant before disclosing user data?", "en", "question", [
 ("044", "OpenAI US requires a subpoena, court order, search warrant or equivalent before disclosing requested non-content user information"),
 ("043", "except in accordance with valid legal process (eg., a validly issued subpoena or warrant)"),
 ("044", "OpenAI Ireland requires a judicially-authorised order issued pursuant to Irish law, subject to the emergency exception"),
])
Q("\"danger of death or serious physical injury\"", "en", "phrase", [
 ("044", "if OpenAI has a good faith belief that there is an emergency involving a danger of death or serious physical injury to a person"),
])
Q("preservation request", "en", "keyword", [
 ("044", "Pursuant to a valid request, OpenAI US will preserve user data for up to 90 days, and will extend the preservation period for an additional 90-day period"),
])
Q("Clause 15 obligations of the data importer in case of access by public authorities", "en", "identifier", [
 ("023", "(a) The data importer agrees to notify the data exporter and, where possible, the data subject promptly (if necessary with the help of the data exporter) if it:"),
 ("023", "(c) The data importer agrees to provide the minimum amount of information permissible when responding to a request for disclosure"),
])

# ---------- DPIA ----------
Q("Ska biträdet hjälpa oss med konsekvensbedömning (DPIA)?", "sv", "question", [
 ("006", "Personuppgiftsbiträdet ska bistå den Personuppgiftsansvarige vid genomförande av konsekvensbedömningar avseende dataskydd (DPIA)"),
 ("008", "4.7 Bistånd vid konsekvensbedömning. Biträdet ska bistå den Ansvarige med konsekvensbedömningar (DPIA) och förhandssamråd med IMY i den mån det behövs."),
 ("011", "Personuppgiftsbiträdet ska bistå den Personuppgiftsansvarige vid genomförande av konsekvensbedömningar avseende dataskydd (DPIA)"),
 ("014", "konsekvensbedömningar (DPIA) och samråd med tillsynsmyndighet (Art. 35–36),"),
 ("015", "Biträdet ska bistå Kunden med att fullgöra skyldigheter enligt GDPR artiklarna 32-36 avseende:"),
])
Q("Will the processor assist us with a data protection impact assessment?", "en", "question", [
 ("016", "including, where appropriate, the preparation of data protection impact assessments with respect to OpenAI’s processing of Customer Data"),
 ("017", "B.6. Anthropic will cooperate with and provide reasonable assistance to Customer for: (a) Customer’s performance of any data protection impact assessment"),
 ("018", "b. to the extent required by Privacy Laws, conducting data protection impact assessments and, if required, prior consultation with relevant competent authorities; and"),
 ("021", "(ii) to conduct a data protection impact assessment, (iii) in case of a prior consultation with a supervisory authority"),
])
Q("förhandssamråd", "sv", "keyword", [
 ("008", "4.7 Bistånd vid konsekvensbedömning. Biträdet ska bistå den Ansvarige med konsekvensbedömningar (DPIA) och förhandssamråd med IMY i den mån det behövs."),
 ("006", "och vid förhandssamråd med tillsynsmyndigheten, om sådana blir nödvändiga."),
 ("011", "och vid förhandssamråd med tillsynsmyndigheten, om sådana blir nödvändiga."),
 ("015", "- Konsekvensbedömningar - Förhandssamråd med tillsynsmyndighet"),
])

# ---------- Instructions ----------
Q("Måste biträdet säga till om en instruktion strider mot GDPR?", "sv", "question", [
 ("008", "Biträdet ska omedelbart underrätta den Ansvarige om en instruktion enligt Biträdets bedömning strider mot GDPR eller annan dataskyddslagstiftning."),
 ("009", "Om Biträdet anser att en instruktion strider mot GDPR eller annan dataskyddslagstiftning ska den Ansvarige omedelbart informeras."),
 ("010", "4.2 Om Personuppgiftsbiträdet anser att en instruktion strider mot tillämplig dataskyddslagstiftning ska detta omedelbart meddelas Personuppgiftsansvarig."),
 ("011", "Om Personuppgiftsbiträdet anser att en instruktion strider mot GDPR eller annan dataskyddslagstiftning ska Kunden omedelbart informeras."),
])
Q("Must the processor tell us if an instruction infringes data protection law?", "en", "question", [
 ("016", "OpenAI will promptly inform Customer in writing if, in OpenAI’s opinion, a Customer Instruction violates Data Protection Laws."),
 ("021", "Promptly inform Customer if, in its opinion, Customer’s instructions regarding the Processing infringe the Applicable Data Protection Law."),
 ("023", "(b) The data importer shall immediately inform the data exporter if it is unable to follow those instructions."),
])
Q("\"dokumenterade instruktioner\"", "sv", "phrase", [
 ("006", "Personuppgiftsbiträdet får uteslutande behandla personuppgifter i enlighet med dokumenterade instruktioner från den Personuppgiftsansvarige, om inte behandling krävs"),
 ("008", "4.1 Instruktioner. Biträdet ska behandla personuppgifter uteslutande i enlighet med den Ansvariges dokumenterade instruktioner."),
 ("009", "Biträdet ska enbart behandla personuppgifter i enlighet med den Ansvariges dokumenterade instruktioner, inklusive vad gäller överföring till tredjeland."),
 ("010", "behandlar personuppgifter enbart i enlighet med Personuppgiftsansvariges dokumenterade instruktioner, inklusive vad som anges i detta avtal."),
 ("011", "Personuppgiftsbiträdet får uteslutande behandla personuppgifter i enlighet med dokumenterade instruktioner från den Personuppgiftsansvarige, om inte behandling krävs"),
 ("013", "a) Behandla personuppgifter endast enligt dokumenterade instruktioner från den personuppgiftsansvarige, inklusive överföringar till tredje land"),
 ("014", "1. Endast behandla personuppgifter enligt dokumenterade instruktioner från Kunden."),
 ("015", "Biträdet ska endast behandla personuppgifter enligt Kundens dokumenterade instruktioner, inklusive avseende överföringar till tredje land."),
])

# ---------- Confidentiality ----------
Q("Gäller sekretessen även efter att avtalet har upphört?", "sv", "question", [
 ("004", "Parternas ömsesidiga sekretesskyldighet fortsätter att gälla även efter att avtalet upphört."),
 ("005", "Båda parter förbinder sig att inte röja konfidentiell information om den andra parten till tredje part under avtalstiden och under 36 månader därefter."),
 ("015", "Bestämmelserna om radering/återlämnande (avsnitt 6.7) och konfidentialitet fortsätter att gälla."),
])
Q("tystnadsplikt", "sv", "keyword", [
 ("004", "Parterna förbinder sig att hemlighålla den andre Partens affärshemligheter samt andra konfidentiella uppgifter som kommit till Parts kännedom."),
 ("003", "samt att behörig personal omfattas av tystnadsplikt och har aktuell kunskap om hur personuppgifter ska hanteras"),
 ("006", "personal som är behörig att behandla personuppgifter har åtagit sig att iaktta konfidentialitet eller är föremål för en lagstadgad tystnadsplikt."),
 ("008", "4.2 Konfidentialitet. Biträdet ska säkerställa att alla personer som är behöriga att behandla personuppgifterna har åtagit sig att iaktta konfidentialitet"),
 ("009", "har åtagit sig att iaktta sekretess eller omfattas av lämplig lagstadgad tystnadsplikt."),
 ("010", "personer som är behöriga att behandla personuppgifter har åtagit sig att iaktta konfidentialitet eller omfattas av lämpliga lagstadgade sekretessåtaganden."),
 ("011", "personer som är behöriga att behandla personuppgifter har åtagit sig att iaktta konfidentialitet eller omfattas av lagstadgad tystnadsplikt."),
 ("013", "b) Säkerställa konfidentialitet genom att all personal som behandlar personuppgifter har åtagit sig tystnadsplikt"),
 ("014", "2. Säkerställa att personer som behandlar personuppgifter omfattas av sekretess."),
 ("015", "- Har förbundit sig att iaktta konfidentialitet, eller - Omfattas av en lämplig lagstadgad tystnadsplikt"),
])
Q("Confidential Information", "en", "keyword", [
 ("025", "1. Confidential Information. The parties may share information that is identified as confidential, proprietary, or similar"),
 ("025", "3. Exclusions. Confidential Information excludes information that: (a) becomes publicly available through no fault of Recipient"),
 ("026", "10.1 Definition. “Confidential Information” means information disclosed by one party to the other that is marked as confidential or proprietary"),
 ("037", "7.2. Exceptions. The obligations in Section 7.1 do not apply to information that: (a) is or becomes generally available to the public"),
 ("053", "For purposes of this Agreement, \"Confidential Information\" shall mean information in written or other tangible form specifically labeled as such"),
])
Q("Is the customer's content treated as Confidential Information?", "en", "question", [
 ("025", "Customer Content is Customer’s Confidential Information."),
])
Q("Must confidential information be returned or destroyed when the agreement ends?", "en", "question", [
 ("025", "4. Destruction Request. Recipient will destroy Discloser’s Confidential Information promptly upon request"),
 ("026", "(b) each party will return to the other party (or destroy) such other party’s Confidential Information (defined below) within 30 days."),
])

# ---------- Data export / portability ----------
Q("Kan vi exportera våra data i ett maskinläsbart format när avtalet upphör?", "sv", "question", [
 ("005", "tillhandahålla Kunden möjlighet att exportera sin data i ett maskinläsbart format (CSV, JSON eller liknande) under en period om 30 dagar."),
 ("006", "Återlämna alla personuppgifter i ett maskinläsbart format (CSV, JSON eller liknande) inom 30 dagar, och därefter radera alla kopior, eller"),
 ("008", "Återlämna samtliga personuppgifter till den Ansvarige i ett strukturerat, maskinläsbart format (PostgreSQL dump eller CSV)"),
 ("011", "Återlämna alla personuppgifter i ett maskinläsbart format (CSV, JSON eller liknande) inom 30 dagar, och därefter radera alla kopior, eller"),
 ("012", "9.3 Dataportabilitet - Du kan exportera dina data i standardformat"),
 ("012", "Ditt konto pausas omedelbart - Du kan exportera dina data i 60 dagar"),
])
Q("data portability", "en", "keyword", [
 ("036", "This exportable data can be used to switch to third-party provider services."),
 ("045", "We'll also provide you with an opportunity to export your content from your Google Account using Google Takeout"),
 ("056", "we will make reasonable efforts to notify you in advance so you can export your Content or your data from the Services"),
 ("017", "return a copy of all Customer Data in its control or possession or provide a self-service functionality allowing Customer to do the same; and"),
])
Q("Kan vi flytta våra data till en annan leverantör från Microsofts tjänster?", "sv", "cross", [
 ("036", "This exportable data can be used to switch to third-party provider services."),
])

# ---------- Ownership of content / outputs ----------
Q("Who owns the output generated by the AI service?", "en", "question", [
 ("025", "Anthropic agrees that Customer (a) retains all rights to its Inputs, and (b) owns its Outputs."),
 ("026", "Customer shall (a) retain all right, title and interest (including any and all intellectual property rights) in and to the Input, and (b) own the Output."),
 ("037", "Customer: (a) retains all ownership rights in Input; and (b) owns all Output."),
 ("038", "Customer (i) retains all ownership rights in Customer Data and (ii) owns all Output."),
 ("056", "you (a) retain your ownership rights in Input and (b) own the Output. We hereby assign to you all our right, title, and interest, if any, in and to Output."),
 ("051", "(2) We assign any rights, title, and interests—if any—in the Outputs of the Services to you"),
 ("050", "Subject to your compliance with our Terms, we assign to you all our right, title, and interest (if any) in Outputs."),
 ("061", "To the extent permitted by applicable law, and as between you and xAI, you retain your ownership rights to the User Content."),
 ("058", "To the extent permitted by applicable law, as between you and Mistral AI, you (i) retain all ownership rights in Input and (ii) own all Output."),
])
Q("Vem äger innehållet vi laddar upp i tjänsten?", "sv", "question", [
 ("005", "Kunden äger all data som matas in i systemet."),
 ("007", "6.2 Ditt Innehåll - Du äger allt Innehåll du skapar"),
 ("012", "Du behåller äganderätten till allt innehåll du laddar upp"),
 ("046", "Du behåller äganderätten till allt innehåll du laddar upp till Lekbanken."),
])
Q("Vem äger det som AI:n genererar (output) enligt OpenAI:s företagsavtal?", "sv", "cross", [
 ("037", "Customer: (a) retains all ownership rights in Input; and (b) owns all Output."),
])
Q("What licence do we grant the provider to use our content?", "en", "question", [
 ("036", "you grant Microsoft a worldwide and royalty free intellectual property licence to use Your Content"),
 ("061", "You grant, an irrevocable, perpetual, transferable, sublicensable, royalty-free, and worldwide right to xAI to use, copy, store, modify, distribute"),
 ("026", "Customer hereby grants to xAI a non-exclusive, worldwide, irrevocable, transferable (as set forth in Section 14.1), fully paid-up, royalty-free right and license"),
 ("038", "Customer grants Mistral AI a worldwide, non-exclusive, non-transferable (except as permitted in Section 14.2 (Assignment)), royalty-free, fully-paid license"),
])
Q("Vem äger förbättringsförslag och feedback som vi lämnar?", "sv", "question", [
 ("005", "tillfaller de immateriella rättigheterna till detta automatiskt Leverantören utan ersättning till Kunden"),
])

# ---------- Assignment ----------
Q("överlåtelse", "sv", "keyword", [
 ("004", "Part kan överlåta sina rättigheter och skyldigheter enligt uppdragsbrevet/avtalet endast om den andra Parten ger sitt skriftliga samtycke därtill."),
 ("005", "Ingen av parterna får överlåta sina rättigheter eller skyldigheter enligt detta avtal till tredje part utan den andra partens skriftliga medgivande."),
 ("007", "Vi kan överföra våra rättigheter. Du kan inte överföra dina rättigheter utan vårt skriftliga samtycke."),
 ("059", "7. VIDAREANVÄNDNING M M. Abonnemanget får inte överlåtas eller nyttjas av annan utan skriftligt samtycke från Tele2."),
])
Q("Can the supplier assign the contract to an affiliate or acquirer without our consent?", "en", "question", [
 ("025", "Neither party may assign its rights or delegate its obligations under these Terms without the other party’s prior written consent, except that Anthropic may assign"),
 ("026", "14.1 Assignment. This Agreement will bind and inure to the benefit of each party’s permitted successors and assigns."),
 ("053", "Notwithstanding the foregoing, either party may assign this Agreement, without the prior consent of the other party, to any person, partnership, firm or corporation affiliated"),
])

# ---------- Security measures ----------
Q("kryptering", "sv", "keyword", [
 ("002", "Kryptering av all data som skickas från och till användarens dator så den kan inte bli avlyssnad."),
 ("006", "Kryptering av personuppgifter under överföring (TLS 1.2 eller senare) och i vila (AES-256 eller likvärdig)."),
 ("008", "| I vila | pgcrypto AES-256 för personnummer och bankuppgifter |"),
 ("010", "(a) TLS 1.3-kryptering för all datatransport; (b) kryptering av data i vila (AES-256"),
 ("011", "Kryptering av personuppgifter under överföring (TLS 1.2 eller senare) och i vila (AES-256 eller likvärdig)."),
 ("013", "Kryptering: - Data i vila: AES-256 minimum - Data i transit: TLS 1.3 minimum"),
 ("015", "| Kryptering vid lagring | AES-256 | | Kryptering vid överföring | TLS 1.3 |"),
 ("009", "- Kryptering av data vid överföring (TLS/HTTPS) - Kryptering av data vid lagring"),
 ("014", "Kryptering: data i transit skyddas med TLS; känsliga hemligheter hanteras via miljövariabler/hemlighetshantering."),
])
Q("encryption", "en", "keyword", [
 ("017", "Anthropic utilizes industry standard encryption methods for protection of Customer Data, including a minimum of AES-256 for data at rest"),
 ("057", "Remote network access to Meta systems will require encrypted communication via secured protocols and use of multi-factor authentication."),
 ("057", "Meta will enforce use of appropriate protocols designed to protect the confidentiality of data in transit over public networks."),
 ("023", "The Parties shall in particular consider having recourse to encryption or pseudonymisation, including during transmission"),
])
Q("Vilka tekniska och organisatoriska säkerhetsåtgärder (TOMs) finns i avtalet?", "sv", "question", [
 ("014", "Bilaga 2 – Tekniska och organisatoriska åtgärder (TOMs) Följande åtgärder tillämpas som utgångspunkt:"),
 ("006", "4.3 Tekniska och organisatoriska säkerhetsåtgärder"),
 ("008", "8. Tekniska och organisatoriska åtgärder (Bilaga 1)"),
 ("011", "4.3 Tekniska och organisatoriska säkerhetsåtgärder"),
 ("015", "Biträdet ska implementera lämpliga tekniska och organisatoriska åtgärder för att säkerställa en säkerhetsnivå som är lämplig i förhållande till risken."),
 ("009", "4.3 Säkerhetsåtgärder (Art. 32) Biträdet ska vidta lämpliga tekniska och organisatoriska åtgärder"),
 ("010", "niska och organisatoriska säkerhetsåtgärder i enlighet med artikel 32 GDPR"),
 ("013", "3.2 TEKNISKA SÄKERHETSÅTGÄRDER Personuppgiftsbiträdet ska implementera:"),
])
Q("multifaktorautentisering", "sv", "keyword", [
 ("015", "| Multifaktorautentisering | TOTP för administratörer |"),
 ("014", "Autentisering: MFA där det är möjligt och krävs för administrativ åtkomst."),
 ("011", "Tvåfaktorsautentisering på Leverantörens konton hos samtliga underbiträden."),
])
Q("Are the provider's personnel background-checked and trained in security?", "en", "question", [
 ("057", "performing background checks, where legally permissible, on personnel working on or supporting aspects pertaining to the Applicable Products"),
 ("057", "Training. Meta will ensure that all personnel with access to Covered Data undergo security training."),
 ("017", "complete a rigorous interview process, undergo background checks, and sign confidentiality agreements."),
 ("017", "employees, at hire and annually thereafter, complete security awareness, HIPAA, and other relevant training regarding confidentiality and data security."),
])

# ---------- Changes to terms ----------
Q("Får leverantören ändra villkoren ensidigt och hur ska det meddelas?", "sv", "question", [
 ("005", "Leverantören förbehåller sig rätten att uppdatera allmänna villkor med 60 dagars skriftligt förvarning."),
 ("007", "Vi kan uppdatera dessa Villkor: - Meddelande 30 dagar innan väsentliga ändringar"),
 ("012", "Vi kan ändra dessa villkor när som helst - Väsentliga ändringar meddelas minst 30 dagar i förväg"),
 ("046", "Vi kommer att meddela dig om väsentliga ändringar via e-post eller genom ett meddelande i tjänsten."),
 ("059", "11. VILLKORSÄNDRINGAR. Dessa allmänna villkor gäller tills vidare. Villkorsändring skall aviseras senast en månad i förväg."),
 ("060", "Administrationen förbehåller sig rätten att ensidigt ändra detta avtal efter eget gottfinnande."),
])
Q("How much notice is given before the terms of service change?", "en", "question", [
 ("025", "Anthropic may update these Terms at any time, to be effective 30 days after the updates are posted by Anthropic or Customer otherwise receives Notice"),
 ("040", "We may modify this agreement, but we will give you 30 days' notice of material changes."),
 ("052", "We may at any time at our sole and absolute discretion, update these Terms, and/or any other terms we may have prescribed in connection with the Services."),
 ("045", "we’ll provide you with reasonable advance notice by email – including a description of the changes, when they’ll take place and your right to end your contract"),
])
Q("Har vi rätt att säga upp avtalet om villkoren ändras till vår nackdel?", "sv", "question", [
 ("005", "Om Kunden inte accepterar förändringarna äger Kunden rätt att säga upp avtalet med 30 dagars varsel."),
 ("059", "Om ändring enligt ovan innebär väsentlig nackdel för abonnenten, har han rätt att under innevarande abonnemangsperiod skriftligen säga upp abonnemanget"),
 ("007", "Du kan avsluta kontot om du inte accepterar ändringarna"),
])

# ---------- Payment, refunds, cooling-off ----------
Q("dröjsmålsränta", "sv", "keyword", [
 ("004", "Vid försenad betalning debiteras dröjsmålsränta enligt räntelagen (1975:635)."),
])
Q("What late payment interest applies to overdue invoices?", "en", "question", [
 ("037", "Overdue undisputed amounts may be subject to a finance charge of 1.5% of the unpaid balance per month."),
 ("049", "not received by the date due shall be subject to a late fee of 1.5% per month, or the maximum charge permitted by law, whichever is less."),
 ("055", "Late payments shall bear interest at the lesser of: (i) the maximum rate permitted by law, and (ii) the rate of 1.5% per month from the due date until paid."),
 ("054", "late charges of 1-1/2% per month, or the maximum amount allowable by law, whichever is less, shall also become payable by BNL to VIP."),
])
Q("When are invoices due for payment?", "en", "question", [
 ("026", "all fees shall be paid by Customer within thirty (30) days of xAI’s invoice date"),
 ("055", "payments from Co-Host to NAI shall be due thirty (30) days from the date of invoice."),
 ("041", "IBM invoices will specify the amount due. Payment is due upon receipt and payable as specified in such invoice."),
 ("054", "will be due and payable within ten (10) days after the date of the postmark for an invoice therefor from VIP."),
 ("037", "6.2. Payment. Customer will pay OpenAI invoices on the payment interval set forth in the Order Form."),
])
Q("Vilka betalningsvillkor gäller för fakturor?", "sv", "question", [
 ("004", "Betalningsvillkor: Betalning ska ske senast 15 dagar efter fakturadatum om inte ett senare datum anges på fakturan."),
])
Q("How do we dispute an invoice?", "en", "question", [
 ("037", "6.4. Disputes. To dispute an invoice Customer must: (a) contact ar-enterprise@openai.com within thirty days of the date the disputed invoice was issued"),
 ("034", "2.3 Invoice Disputes. In the event of an Invoice dispute, Recipient shall deliver a written statement to Provider prior to the date payment is due"),
 ("054", "provided that if BNL notifies VIP in writing that BNL disputes a billing and BNL pays any undisputed portion of such billing"),
])
Q("ångerrätt", "sv", "keyword", [
 ("039", "Användaren kan begära full återbetalning inom fjorton (14) dagar efter köpet, utan någon särskild anledning."),
 ("046", "Kontakta vår support för att diskutera återbetalning inom 14 dagar från köpdatum."),
])
Q("Har konsumenter i EU 14 dagars ångerrätt på ChatGPT-prenumerationen?", "sv", "cross", [
 ("056", "Cooling off period. You are entitled to cancel your purchase and request a refund without stating the reason during the 14 days following the date of your purchase"),
 ("056", "EEA consumer withdrawal right. If you are an EEA-based consumer, you can close your account and withdraw from these Terms within 14 days of accepting them"),
])
Q("\"non-refundable\"", "en", "phrase", [
 ("026", "Upon xAI’s request, Customer agrees to promptly complete and submit an ACH authorization form to xAI. All fees are non-refundable."),
 ("037", "Fees are non-refundable except as required by law or as otherwise specifically permitted in the Agreement."),
 ("050", "Except as expressly provided in these Terms or where required by law, all payments are non-refundable."),
 ("058", "Payments are non-refundable, except where required by law or when you exercise your right of withdrawal under Section 7 (Withdrawal)."),
])

# ---------- Acceptable use: automated decisions, biometrics, politics ----------
Q("Can we use the AI service to make automated decisions about individuals, e.g. benefits or employment?", "en", "question", [
 ("027", "5. Make automated decisions about individuals that materially impact them (e.g., decisions regarding their employment, healthcare, finances, housing or insurance)"),
 ("028", "Making high-stakes automated decisions that affect a person's safety, legal or material rights, or well-being"),
 ("031", "automation of high-stakes decisions in sensitive areas without human review"),
 ("031", "Make automated decisions in sensitive domains without human involvement, including law enforcement, migration, management of critical infrastructure"),
 ("061", "Making high-stakes automated decisions that affect a person's safety, legal or material rights, or well-being (such as making financial credit, educational, employment, housing"),
 ("056", "You must not use any Output relating to a person for any purpose that could have a legal or material impact on that person"),
 ("052", "making automated decisions in domains that affect an individual’s rights or well-being, etc."),
])
Q("Får kommunen använda AI-tjänsten för automatiserade beslut om enskilda?", "sv", "cross", [
 ("027", "5. Make automated decisions about individuals that materially impact them (e.g., decisions regarding their employment, healthcare, finances, housing or insurance)"),
 ("028", "Making high-stakes automated decisions that affect a person's safety, legal or material rights, or well-being"),
 ("031", "automation of high-stakes decisions in sensitive areas without human review"),
 ("031", "Make automated decisions in sensitive domains without human involvement, including law enforcement, migration, management of critical infrastructure"),
 ("061", "Making high-stakes automated decisions that affect a person's safety, legal or material rights, or well-being (such as making financial credit, educational, employment, housing"),
 ("056", "You must not use any Output relating to a person for any purpose that could have a legal or material impact on that person"),
 ("052", "making automated decisions in domains that affect an individual’s rights or well-being, etc."),
])
Q("facial recognition", "en", "keyword", [
 ("031", "facial recognition databases without data subject consent - real-time remote biometric identification in public spaces"),
 ("035", "Engage in real-time biometric identification in publicly accessible spaces for the purposes of law enforcement, except as permitted by applicable law"),
 ("035", "Identify or track a specific individual based on biometric data, including facial recognition, without a lawful basis"),
])
Q("emotion recognition", "en", "keyword", [
 ("031", "inference regarding an individual’s emotions in the workplace and educational settings, except when necessary for medical or safety reasons"),
 ("035", "Engage in emotion recognition in the workplace or education, except as permitted by applicable law"),
])
Q("Är politisk kampanj och valpåverkan förbjuden användning?", "sv", "cross", [
 ("031", "political campaigning, lobbying, foreign or domestic election interference, or demobilization activities"),
 ("027", "3. Facilitate or engage in real money gambling, payday lending, political campaigning, lobbying, academic dishonesty or self-harm;"),
 ("052", "(b) Do not use the Services to generate any content for political campaigns;"),
 ("029", "Spreading false information about current events, health, science, or that undermines the integrity of a civic or political process,"),
])
Q("weapons", "en", "keyword", [
 ("031", "weapons development, procurement, or use, including conventional weapons or CBRNE"),
 ("028", "Develop bioweapons, chemical weapons, or weapons of mass destruction"),
 ("029", "Content related to activities with high-risk of physical harm, such as weapons development, military and warfare"),
 ("035", "Firearms and illegal weapons (including weapon development)"),
])

# ---------- Identifiers / defined terms ----------
Q("definition \"Personal Data Breach\"", "en", "identifier", [
 ("016", "“Personal Data Breach” means a breach of security leading to the accidental or unlawful destruction, loss, alteration, unauthorized disclosure of"),
 ("017", "A.7. \"Security Breach\" means a breach of Anthropic’s security leading to the accidental or unlawful destruction, loss, alteration"),
 ("018", "c. notifying Customer of any accidental, unauthorized or illegal access, destruction, use, loss, modification, or disclosure of Personal Data (“Personal Data Breach”)"),
 ("023", "protection against a breach of security leading to accidental or unlawful destruction, loss, alteration, unauthorised disclosure or access to that data (hereinafter ‘personal data breach’)."),
])
Q("definition \"Personuppgiftsincident\"", "sv", "identifier", [
 ("006", "\"Personuppgiftsincident\" avser en säkerhetsincident som leder till oavsiktlig eller olaglig förstöring, förlust, ändring, obehörigt röjande av"),
 ("011", "\"Personuppgiftsincident\" avser en säkerhetsincident som leder till oavsiktlig eller olaglig förstöring, förlust, ändring, obehörigt röjande av"),
 ("013", "Säkerhetsincident: Varje incident som kan påverka säkerheten för personuppgifter."),
])
Q("\"Restricted Country\"", "en", "identifier", [
 ("021", "(h) “Restricted Country” means any country located outside of the European Economic Area (EEA) and that does not benefit from an adequacy decision"),
 ("021", "8.2 Customer located in a Restricted Country"),
])
Q("UK Addendum and Swiss Addendum to the SCCs", "en", "identifier", [
 ("017", "This UK Addendum will apply to any processing of Customer Personal Data that is subject to the UK GDPR or both the UK GDPR and the GDPR."),
 ("017", "This Swiss Addendum will apply to any processing of Customer Personal Data that is subject to Swiss Data Protection Laws"),
 ("016", "“UK Addendum” means the UK addendum to the EU SCCs issued by the Information Commissioner under section 119A(1) of the Data Protection Act 2018."),
 ("016", "Customer hereby instructs OpenAI OpCo, LLC to process any UK Data in compliance with this DPA and with the SCCs as amended by the UK Addendum"),
])
Q("skadestånd till registrerade enligt GDPR artikel 82", "sv", "identifier", [
 ("011", "Skadestånd till registrerade fördelas mellan parterna enligt GDPR art. 82."),
 ("015", "Vid brott mot GDPR eller detta avtal som orsakar skada för registrerade ansvarar parterna enligt GDPR artikel 82."),
 ("015", "- Brott mot konfidentialitetsåtaganden - Skadestånd till registrerade enligt GDPR artikel 82"),
])
Q("Restricted European Transfers Alternative Transfer Solution", "en", "identifier", [
 ("024", "“Restricted European Transfer(s)” means transfer(s) of Controller Personal Data that are: (a) subject to the European Data Protection Legislation"),
 ("024", "5.1 Restricted European Transfers. Either party may make Restricted European Transfers if it complies with the provisions on Restricted European Transfers"),
 ("024", "“Alternative Transfer Solution” means a solution, other than the Controller SCCs, that enables the lawful transfer of personal data to a third country"),
])
Q("Bilaga 2a mall för meddelande om nytt underbiträde", "sv", "identifier", [
 ("001", "Bilaga 2a – Mall för meddelande om nytt underbiträde Använd denna mall vid meddelande till den Personuppgiftsansvarige om nytt underbiträde."),
 ("001", "Om ni har invändningar mot anlitandet av detta underbiträde, vänligen meddela oss skriftligen senast [DATUM, 30 dagar från meddelandet]."),
])

# ---------- Data subject requests ----------
Q("Vad händer om en registrerad vänder sig direkt till leverantören med en begäran?", "sv", "question", [
 ("011", "En begäran som en registrerad riktar direkt till Personuppgiftsbiträdet ska utan dröjsmål vidarebefordras till Kunden"),
 ("003", "Personuppgiftsbiträdet ska snarast möjligt informera och bistå personuppgiftsansvarig vid förfrågan från en registrerad eller myndighet om registerutdrag"),
])
Q("What happens if a data subject sends a request directly to the processor?", "en", "question", [
 ("016", "OpenAI will not respond to any such request without Customer’s prior written authorization"),
 ("017", "D.1. Anthropic will forward to Customer promptly any Data Subject Request received by Anthropic relating to the Customer Personal Data"),
 ("021", "In the event that any Rights Request is made directly to Mistral AI, Mistral AI will not respond to such request directly without the Customer’s prior consent"),
 ("018", "(iii) any complaint or request from a data subject, in each case related to Perplexity’s processing of Personal Data"),
])
Q("Inom hur många dagar ska biträdet svara på en begäran från en registrerad?", "sv", "question", [
 ("015", "Svarstid: Biträdet ska svara på Kundens begäran inom 10 arbetsdagar."),
 ("013", "Rätt till dataportabilitet (Artikel 20) Svarstid: Inom 10 arbetsdagar från begäran"),
])
Q("registrerades rättigheter", "sv", "keyword", [
 ("006", "bistå den Personuppgiftsansvarige med att uppfylla de registrerades rättigheter (rätt till tillgång, rättelse, radering, dataportabilitet, m.m.)"),
 ("008", "4.5 Registrerades rättigheter. Biträdet ska bistå den Ansvarige med att fullgöra skyldigheten att svara på begäranden om utövande av de registrerades rättigheter"),
 ("009", "för fullgörandet av den Ansvariges skyldighet att svara på begäranden om utövande av registrerades rättigheter enligt kapitel III i GDPR."),
 ("010", "Personuppgiftsbiträdet ska bistå Personuppgiftsansvarig med att uppfylla skyldigheten att besvara förfrågningar från registrerade"),
 ("011", "bistå den Personuppgiftsansvarige med att uppfylla de registrerades rättigheter (rätt till tillgång, rättelse, radering, begränsning, dataportabilitet och invändning)."),
 ("013", "e) Bistå den personuppgiftsansvarige med att tillgodose begäran om utövande av den registrerades rättigheter"),
 ("014", "begäran om registrerades rättigheter (Art. 15–22),"),
 ("015", "Biträdet ska bistå Kunden med att fullgöra skyldigheten att svara på begäranden om utövande av den registrerades rättigheter:"),
])
Q("dataskyddsombud kontaktuppgifter", "sv", "keyword", [
 ("006", "Telefon: [TELEFONNUMMER] DPO/Dataskyddsombud: [NAMN ELLER 'Ej utsett']"),
 ("008", "| Dataskyddsombud (DPO) | [Namn, e-post till DPO] |"),
 ("011", "Dataskyddsombud: Ej utsett (kärnverksamheten utlöser inte krav enligt GDPR art. 37)"),
])

# ---------- Indemnification / suspension ----------
Q("IP indemnity", "en", "keyword", [
 ("025", "1. Claims Against Customer. Anthropic will defend Customer and its personnel, successors, and assigns from and against any Customer Claim"),
 ("026", "9.1 Indemnification by xAI. xAI shall indemnify and defend Customer from and against any claims, costs, damages, losses, liabilities and expenses"),
 ("054", "arising out of any third party claims of infringement of any United States patents, or a trade secret, or any copyright, trademark"),
])
Q("Skyddar AI-leverantören oss om någon stämmer oss för upphovsrättsintrång på grund av output?", "sv", "cross", [
 ("025", "1. Claims Against Customer. Anthropic will defend Customer and its personnel, successors, and assigns from and against any Customer Claim"),
 ("026", "9.1 Indemnification by xAI. xAI shall indemnify and defend Customer from and against any claims, costs, damages, losses, liabilities and expenses"),
])
Q("When may the provider suspend our access to the service?", "en", "question", [
 ("025", "1. Anthropic may suspend Customer’s access to any portion or all of the Services if: (a) Anthropic reasonably believes or determines that"),
 ("026", "If Customer's account is thirty (30) days or more overdue, in addition to any of its other rights or remedies, xAI reserves the right to suspend"),
 ("037", "8.2. Of the Services. OpenAI may limit or suspend Customer’s access to the Services if: (a) it is required to do so by law"),
 ("049", "may throttle, queue, or temporarily suspend Customer’s API calls to the Services if (i) Customer exceeds an applicable Rate Limit"),
 ("042", "we may remove or disable access to the Prohibited Content or suspend the Services to the extent we are not able to remove or disable access"),
])
Q("Do we have to indemnify the provider?", "en", "question", [
 ("022", "The Customer agrees to indemnify and hold harmless i-on, against any lawsuits, claims, damages, or liabilities"),
 ("026", "9.2 Indemnification by Customer. Customer shall indemnify, defend, and hold harmless xAI and its parents, subsidiaries, and affiliates"),
 ("030", "you agree to indemnify and hold us harmless from and against any damages, losses, and expenses"),
 ("025", "2. Claims Against Anthropic. Customer will defend Anthropic and its personnel, successors, and assigns from and against any Anthropic Claim"),
 ("054", "A. BNL agrees to indemnify, defend and hold VIP and its officers, directors, stockholders, employees, agents and representatives harmless"),
])

# ---------- Logging ----------
Q("loggning", "sv", "keyword", [
 ("002", "Alla administratörers åtgärder registreras i en logg som är tillgänglig till alla andra administratörer i admin-panelen."),
 ("006", "Loggning av åtkomst till personuppgifter."),
 ("008", "| Granskningslogg | AuditEntry med användare, tidpunkt, gamla/nya värden |"),
 ("009", "- Regelbundna säkerhetskopior - Loggning av åtkomst till systemet"),
 ("010", "(f) loggning och övervakning av systemhändelser."),
 ("014", "Loggning och spårbarhet: applikationsloggar och leverantörsloggar (t.ex. Supabase) för säkerhet och bokföring (audit trail)."),
 ("015", "| Audit trails | tenant_audit_logs, user_audit_logs |"),
 ("013", "- Automatiska säkerhetsvarningar - Detaljerad audit logging"),
])
Q("logging", "en", "keyword", [
 ("017", "I.3. Anthropic logs employee access and actions within Anthropic’s systems, inclusive of those storing or maintaining Customer Data."),
 ("017", "I.5. Security-related logs are retained for appropriate timeframes to aid in the investigation of security incidents."),
 ("057", "maintaining appropriate security logs including where applicable with userid and timestamp;"),
 ("057", "Logging and auditing of physical access to the data center by employees and contractors;"),
])

# ---------- Misc Swedish specific ----------
Q("Är tjänsteleverantören vårdgivare under tillsyn av IVO?", "sv", "question", [
 ("039", "EatSuite är registrerad vårdgivare (nedan kallat \"Vårdgivare\") under tillsyn av Inspektionen för vård och omsorg (IVO)"),
])
Q("BankID", "sv", "keyword", [
 ("039", "För att kunna skapa ett Användarkonto måste Användaren vara minst 18 år gammal och ha tillgång till BankID för identifiering."),
])
Q("Hur länge sparas personuppgifterna (gallringstid)?", "sv", "question", [
 ("002", "Personuppgifterna och säkerhetskopior sparas till projektet är slut eller enligt huvudavtalet."),
 ("009", "Rapportdata lagras i 12 månader efter att rapporten mottagits."),
 ("014", "Kontoinformation: aktivt konto + 12 månader."),
 ("011", "Under avtalstiden gallras uppgifter enligt Kundens instruktioner."),
 ("006", "Personuppgifter raderas eller anonymiseras senast [30/60/90 dagar – ANGE PERIOD] efter avtalets upphörande"),
])
Q("bokföringslagen", "sv", "keyword", [
 ("011", "Undantag gäller för uppgifter som måste bevaras enligt lag, t.ex. räkenskapsinformation enligt bokföringslagen (7 år)."),
 ("014", "Bokföringsrelaterade loggar/audit: upp till 7 år (BFL 7:1)."),
 ("010", "om inte lagstiftning (t.ex. bokföringslagen) kräver längre lagringstid."),
 ("015", "Undantag: Personuppgifter som måste bevaras enligt lag (t.ex. bokföringskrav)."),
])
Q("Does the data processing agreement take precedence over the main agreement in case of conflict?", "en", "question", [
 ("021", "In the event of any conflict between the terms of the DPA and the remainder of the Agreement, the terms of the DPA shall prevail to the extent of such conflict."),
 ("017", "If there is any conflict between the terms of this DPA and the Agreement, the conflicting terms in this DPA will govern."),
 ("017", "the terms of the following documents will prevail (in order of precedence): (i) the SCCs; (ii) this DPA; and (iii) the Agreement."),
 ("011", "Vid motstridighet mellan detta avtal och huvudavtalet har detta avtal företräde i frågor som rör behandling av personuppgifter."),
 ("015", "Vid eventuell konflikt mellan detta avtal och huvudavtalet ska detta personuppgiftsbiträdesavtal ha företräde avseende frågor om behandling av personuppgifter."),
 ("057", "the following order of precedence shall apply to determine the term(s) that govern"),
])
Q("rangordning", "sv", "keyword", [
 ("011", "Vid motstridighet mellan detta avtal och huvudavtalet har detta avtal företräde i frågor som rör behandling av personuppgifter."),
 ("015", "Vid eventuell konflikt mellan detta avtal och huvudavtalet ska detta personuppgiftsbiträdesavtal ha företräde avseende frågor om behandling av personuppgifter."),
])

# ---------- Batch 2 (2026-12-01): identifier queries ----------
# Swedish
Q("Triad SaaS-avtal punkt 5.1 skadeståndstak", "sv", "identifier", [
 ("005", "5.1 Skadeståndstak Leverantörens totala skadeståndsansvar under detta avtal är, oavsett ansvarsbas (avtalsbrott, culpa, produktansvar eller annat), begränsat till"),
])
Q("Triad SaaS avsnitt 3.2 planerat underhåll", "sv", "identifier", [
 ("005", "3.2 Planerat underhåll Planerat underhåll meddelas via e-post eller i systemet senast 48 timmar i förväg"),
])
Q("\"Driftstörning\" definition", "sv", "identifier", [
 ("005", "\"Driftstörning\" avser ett oplanerat avbrott i Tjänsten som påverkar Kundens möjlighet att använda den normalt."),
])
Q("Bilaga 3 underbiträden Veridat", "sv", "identifier", [
 ("014", "Bilaga 3 – Underbiträden | Underbiträde | Tjänst | Plats | Behandlingsändamål | Data kategorier |"),
])
Q("Veridat DPA bilaga 2 tekniska och organisatoriska åtgärder (TOMs)", "sv", "identifier", [
 ("014", "Bilaga 2 – Tekniska och organisatoriska åtgärder (TOMs) Följande åtgärder tillämpas som utgångspunkt:"),
])
Q("Veridat PUB-avtal punkt 10 revision och tillsyn", "sv", "identifier", [
 ("014", "10. Revision och tillsyn Kunden har rätt att genomföra revision av Biträdet, högst en gång per år, med skälig förvarning."),
])
Q("bilaga 1 instruktion för behandling av personuppgifter", "sv", "identifier", [
 ("002", "Bilaga 1: Instruktion för behandling av personuppgifter Utöver vad som redan framgår av detta avtal ska Personuppgiftsbiträdet även följa nedanstående instruktioner:"),
])
Q("Lekbanken Bilaga B tekniska och organisatoriska säkerhetsåtgärder", "sv", "identifier", [
 ("015", "Bilaga B: Tekniska och Organisatoriska Säkerhetsåtgärder 1. Kryptering | Typ | Standard | Implementation |"),
])
Q("Lekbanken PUB 6.4.3 invändning mot nytt underbiträde", "sv", "identifier", [
 ("015", "6.4.3 Invändning Om Kunden invänder mot ett nytt underbiträde ska parterna i god anda försöka hitta en lösning."),
])
Q("Lekbanken punkt 8.2 ansvarsbegränsning", "sv", "identifier", [
 ("015", "8.2 Ansvarsbegränsning Biträdets totala ansvar under detta avtal begränsas till det belopp som framgår av huvudavtalet, dock lägst motsvarande 12 månaders avgifter."),
])
Q("OpenHR PUB avsnitt 9 granskning och revision", "sv", "identifier", [
 ("008", "9.1 Den Ansvarige har rätt att genomföra revision av Biträdets behandling, antingen själv eller genom en oberoende tredjepartsrevisor"),
])
Q("OpenHR punkt 11.2 radering", "sv", "identifier", [
 ("008", "11.2 Radering ska ske inom 30 dagar från Huvudavtalets upphörande."),
])
Q("Tele2 allmänna villkor § 8 force majeur", "sv", "identifier", [
 ("059", "8. FORCE MAJEUR. Tele2 skall vara befriat från nedsättning av avgift och andra påföljder om fullgörandet av visst åtagande förhindras"),
])
Q("Techonomic allmänna villkor punkt 14 rätt att omedelbart häva avtalet", "sv", "identifier", [
 ("004", "14. Rätt att omedelbart häva avtalet Byrån har rätt att säga upp uppdragsavtalet med omedelbar verkan om"),
])
Q("YearWheel användarvillkor 10.2 ansvarsbegränsning", "sv", "identifier", [
 ("007", "Vårt totala ansvar är begränsat till det belopp du betalat de senaste 12 månaderna"),
])
Q("Handbok.org villkor 8.3 maximal ersättning", "sv", "identifier", [
 ("012", "8.3 Maximal ersättning - Vårt totala ansvar är begränsat till det lägsta av: (a) 1000 kr, eller (b) det belopp du betalat för tjänsten under den senaste månaden"),
])
Q("Gulmåran DPA-mall artikel 8 revision och granskning", "sv", "identifier", [
 ("013", "2.9 ARTIKEL 8: REVISION OCH GRANSKNING 8.1 REVISIONSRÄTTIGHETER Den personuppgiftsansvarige har rätt att:"),
])
Q("CCMC PUB 4.3 säkerhetsåtgärder (Art. 32)", "sv", "identifier", [
 ("009", "4.3 Säkerhetsåtgärder (Art. 32) Biträdet ska vidta lämpliga tekniska och organisatoriska åtgärder för att säkerställa en säkerhetsnivå"),
])
Q("Åkaren PUB-avtal punkt 6 underbiträden", "sv", "identifier", [
 ("010", "6.1 Följande underbiträden är godkända per avtalsdatum: Hetzner Online GmbH — serverhosting inom EU/EES (Nürnberg, Deutschland)."),
])
Q("definition \"Underbiträde\"", "sv", "identifier", [
 ("011", "\"Underbiträde\" avser en underleverantör som Personuppgiftsbiträdet anlitar och som behandlar personuppgifter för den Personuppgiftsansvariges räkning."),
 ("015", "Underbiträde: Tredje part som Biträdet anlitar för att behandla personuppgifter på Kundens vägnar."),
])
# English
Q("Clause 8.9 documentation and compliance", "en", "identifier", [
 ("023", "(a) Each Party shall be able to demonstrate compliance with its obligations under these Clauses. In particular, the data importer shall keep appropriate documentation"),
 ("023", "(a) The data importer shall promptly and adequately deal with enquiries from the data exporter that relate to the processing under these Clauses."),
 ("023", "(a) The data importer shall promptly and adequately deal with enquiries from the data exporter or the controller that relate to the processing under these Clauses."),
])
Q("SCC clause 8.5 duration of processing and erasure or return of data", "en", "identifier", [
 ("023", "delete all personal data processed on behalf of the data exporter and certify to the data exporter that it has done so"),
 ("023", "delete all personal data processed on behalf of the controller and certify to the data exporter that it has done so"),
])
Q("Clause 9(a) Option 2 general written authorisation sub-processors", "en", "identifier", [
 ("023", "OPTION 2: GENERAL WRITTEN AUTHORISATION The data importer has the data exporter’s general authorisation for the engagement of sub-processor(s) from an agreed list."),
 ("023", "OPTION 2: GENERAL WRITTEN AUTHORISATION The data importer has the controller’s general authorisation for the engagement of sub-processor(s) from an agreed list."),
 ("016", "(ii) In Clause 9, Option 2 (general written authorization) applies, and the minimum time period for prior notice of sub-processor changes"),
 ("017", "A.2.a. Clause 9 (Use of subprocessors) – Option 2 (General written authorization) will apply"),
 ("018", "(i) Clause 9, Option 2 (“General written authorization”) is deemed to be selected"),
])
Q("Clause 11 redress", "en", "identifier", [
 ("023", "(a) The data importer shall inform data subjects in a transparent and easily accessible format, through individual notice or on its website, of a contact point authorised to handle complaints."),
 ("016", "(iii) In Clause 11, the optional language does not apply;"),
 ("017", "A.1.b. Clause 11 (Redress) – optional wording does not apply."),
 ("018", "(ii) Clause 11(a), the optional wording in relation to independent dispute resolution is deemed to be included;"),
 ("021", "the optional redress clause in Clause 11(a) is struck;"),
])
Q("SCC Clause 12 liability", "en", "identifier", [
 ("023", "(b) Each Party shall be liable to the data subject, and the data subject shall be entitled to receive compensation, for any material or non-material damages"),
 ("023", "(b) The data importer shall be liable to the data subject, and the data subject shall be entitled to receive compensation, for any material or non-material damages"),
 ("018", "12. Liability. Subject to Clause 12 of the EU SCCs and any applicable law that cannot be limited by contract"),
 ("024", "will be subject to Section 7.1 (Liability Cap). Clause 12 of the Controller SCCs will not affect the previous sentence."),
])
Q("Clause 16 non-compliance with the Clauses and termination", "en", "identifier", [
 ("023", "(b) In the event that the data importer is in breach of these Clauses or unable to comply with these Clauses, the data exporter shall suspend the transfer"),
 ("023", "(c) The data exporter shall be entitled to terminate the contract, insofar as it concerns the processing of personal data under these Clauses, where:"),
 ("024", "Customer terminates the Agreement in accordance with Clause 16(c) of the Controller SCCs, then for the purposes of Clause 16(d) of the Controller SCCs"),
])
Q("Anthropic DPA Schedule 2 technical and organizational measures", "en", "identifier", [
 ("017", "Schedule 2 - Technical and Organizational Measures Anthropic has implemented and will maintain technical and organizational measures"),
])
Q("Anthropic Schedule 4 Subprocessors", "en", "identifier", [
 ("017", "Schedule 4 - Subprocessors Anthropic’s list of subprocessors is available at https://www.anthropic.com/subprocessors."),
])
Q("Perplexity DPA Annex 1 details of processing", "en", "identifier", [
 ("018", "ANNEX 1 Details of Processing: Nature of the processing The provision of the Services to Customer as set out in the Agreement."),
])
Q("Perplexity DPA section 9 access and audits", "en", "identifier", [
 ("018", "9. Access and Audits. Upon reasonable written request of Customer and to the extent required of Perplexity by Privacy Laws"),
])
Q("Mistral DPA 9.2 onsite audit", "en", "identifier", [
 ("021", "9.2 Onsite audit Only to the extent Customer cannot reasonably be satisfied with Mistral AI’s compliance with this DPA"),
])
Q("OpenAI DPA Schedule 1 Details of Processing", "en", "identifier", [
 ("016", "Schedule 1 Details of Processing 1. Nature and Purpose: The performance of the Services under the Agreement."),
])
Q("\"Customer Data\" definition", "en", "identifier", [
 ("016", "“Customer Data” means Personal Data processed by OpenAI on behalf of Customer to provide the Services."),
 ("017", "A.4. “Customer Data” means all data or other information submitted through the Services by or for Customer or a Customer Affiliate."),
 ("038", "fine-tuning data, or agent instructions (“Customer Data”), and receive content generated from the Mistral AI Products in response to Customer Data (“Output”)"),
])
Q("definition of Subprocessor", "en", "identifier", [
 ("016", "“Sub-Processors” means the sub-processors engaged by OpenAI to process Customer Data in connection with the Services"),
 ("017", "A.9. \"Subprocessor\" means an entity engaged by Anthropic to process Customer Personal Data."),
 ("021", "(j) “Subprocessor” means any Processor appointed by Mistral AI to carry-out all or part of the Processing on behalf of the Customer."),
 ("019", "“Facebook Subprocessor” means a sub-processor that is engaged in accordance with the Data Processing Terms to Process European Data."),
])
Q("Google Ads Controller Terms Section 7.1 Liability Cap", "en", "identifier", [
 ("024", "7.1 Liability Cap. If the Agreement is governed by the laws of:"),
])
Q("xAI Enterprise Terms Section 8.2 Limitation of Liability", "en", "identifier", [
 ("026", "8.2 Limitation of Liability. EXCEPT WITH RESPECT TO EITHER PARTY’S OBLIGATIONS IN SECTION 2 (GENERAL RESTRICTIONS), SECTION 9 (INDEMNIFICATION)"),
])
Q("OpenAI Services Agreement 5.2 Audit Reports", "en", "identifier", [
 ("037", "5.2. Audit Reports. OpenAI has completed audits, conducted by an independent auditor, that evaluated the design and effectiveness of OpenAI security policies"),
])
Q("IBM hosting agreement 3.4 Termination for Convenience", "en", "identifier", [
 ("041", "3.4 Termination for Convenience Customer may terminate this Agreement (including all Service Option Attachments) or any Service Option Attachment"),
])
Q("Perplexity API Terms 2.3.3 Model Training", "en", "identifier", [
 ("049", "2.3.3 Model Training. Perplexity shall not use (or authorize third parties to use) Customer Content to train, retrain, fine-tune"),
])
Q("\"European Data\" Facebook Data Transfer Addendum", "en", "identifier", [
 ("019", "“European Data” means the Personal Information under your sole controllership that is Processed by Facebook Ireland as your Processor"),
])
