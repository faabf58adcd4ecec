"""Ranking of the clause index: DisMax scoring, language order, stubs, folded versions.

Real Whoosh indexes in tmp_path; the documents are small agreements written for each case.
"""

from __future__ import annotations

from pathlib import Path

from whoosh import index as windex
from whoosh import query as wq
from whoosh.fields import ID, TEXT, Schema

from index import ClauseIndex, IndexDocument
from index.matching import DisMax


def doc(
    document_id: str,
    pages: list[str],
    *,
    contract_id: str | None = None,
    title: str = "Avtal",
    language: str | None = None,
    supersedes: str | None = None,
    family: str | None = None,
) -> IndexDocument:
    return IndexDocument(
        document_id=document_id,
        contract_id=contract_id or f"c-{document_id}",
        title=title,
        doc_type="pub-avtal",
        supplier=None,
        board=None,
        secret=False,
        source_path=f"{document_id}.txt",
        pages=pages,
        language=language,
        supersedes=supersedes,
        family=family,
    )


def index_of(tmp_path: Path, docs: list[IndexDocument]) -> ClauseIndex:
    ix = ClauseIndex(tmp_path / "ix", source=lambda: (len(docs), docs))
    ix.add(docs)
    return ix


# -- DisMax ---------------------------------------------------------------------------------


def test_dismax_scores_only_the_members_on_the_current_document(tmp_path):
    """Whoosh's DisjunctionMaxMatcher.score() also counts a member positioned on a later
    document, so a weak match inherits the score of the next strong one; with
    whoosh.query.DisjunctionMax instead of index.matching.DisMax this test fails."""
    schema = Schema(id=ID(stored=True), body=TEXT)
    ix = windex.create_in(str(tmp_path), schema)
    w = ix.writer()
    filler = " ".join(f"word{i}" for i in range(60))
    w.add_document(id="weak", body=f"alpha {filler}")  # one alpha in a long text
    w.add_document(id="strong", body="beta beta beta beta")
    w.add_document(id="neither", body=filler)
    w.add_document(id="both", body="alpha beta")
    w.commit()
    with ix.searcher() as s:

        def scores(q: wq.Query) -> dict[str, float]:
            return {h["id"]: h.score for h in s.search(q, limit=None, optimize=False)}

        alpha = scores(wq.Term("body", "alpha"))
        beta = scores(wq.Term("body", "beta"))
        got = scores(DisMax([wq.Term("body", "alpha"), wq.Term("body", "beta")], tiebreak=0.0))
        want = {k: max(alpha.get(k, 0.0), beta.get(k, 0.0)) for k in set(alpha) | set(beta)}
        assert set(got) == {"weak", "strong", "both"}
        for k in want:
            assert abs(got[k] - want[k]) < 1e-6, (k, got, want)
        # the weak clause ranks below the strong one instead of tying with it
        assert got["weak"] < got["strong"]
        tie = scores(DisMax([wq.Term("body", "alpha"), wq.Term("body", "beta")], tiebreak=0.5))
        assert abs(tie["both"] - (max(alpha["both"], beta["both"]) + 0.5 * min(alpha["both"], beta["both"]))) < 1e-6


def test_a_synonym_group_does_not_tie_every_clause(tmp_path):
    """One concept with many synonyms: clauses matching different members get different
    scores (with Whoosh's DisMax they all got the best member's next score)."""
    pages = [
        "1. Ansvar\n1.1 Leverantören ansvarar för skadestånd enligt lag, med ett stort antal "
        "andra ord som gör klausulen lång och tunn på det som efterfrågas i frågan.\n\n"
        "2. Ansvarsbegränsning\n2.1 Ansvarsbegränsning: leverantörens ansvarsbegränsning "
        "gäller per år; ansvarsbegränsning gäller inte vid uppsåt.\n\n"
        "3. Övrigt\n3.1 Begränsning av ansvar framgår av huvudavtalet.\n"
    ]
    ix = index_of(tmp_path, [doc("d1", pages, language="sv")])
    res = ix.search("ansvarsbegränsning")
    scores = [h.score for h in res.hits]
    assert res.hits[0].clause == "2.1"
    assert len({round(s, 6) for s in scores}) == len(scores), scores


# -- language order -------------------------------------------------------------------------


def test_swedish_exact_match_ranks_above_english_expansions(tmp_path):
    sv = doc(
        "sv",
        [
            "1. Allmänt\n1.1 Avtalet gäller tills vidare och omfattar tjänsten som beskrivs i "
            "bilaga 1.\n\n2. Avslut\n2.1 Uppsägning av avtalet ska ske skriftligen med tre "
            "månaders varsel till motparten.\n"
        ],
        language="sv",
    )
    en = [
        doc(
            f"en{k}",
            [
                f"1. Termination\n1.1 Termination. Either party may terminate for convenience; "
                f"termination takes effect after the notice period ({k}).\n\n2. Fees\n2.1 Fees "
                "are due monthly.\n"
            ],
            language="en",
        )
        for k in range(6)
    ]
    ix = index_of(tmp_path, [sv, *en])
    res = ix.search("uppsägning")
    assert res.language == "sv"
    assert (res.hits[0].document_id, res.hits[0].clause) == ("sv", "2.1")
    # the English expansions still come, below (the six copies folded into one hit)
    english = [h for h in res.hits[1:] if h.document_id.startswith("en")]
    assert english and len(english[0].also_in) == 5
    res = ix.search("termination")
    assert res.language == "en"
    assert res.hits[0].document_id.startswith("en")
    assert ("sv", "2.1") in [(h.document_id, h.clause) for h in res.hits]


# -- stubs ----------------------------------------------------------------------------------


def test_stubs_never_rank_above_the_clause_they_head(tmp_path):
    toc = doc(
        "toc",
        [
            "Innehåll\n\n1 Bakgrund 2\n2 Leverans 3\n3 Sekretess 4\n4 Uppsägning 5\n5 Övrigt 6\n\n"
            "1. Bakgrund\n1.1 Avtalet avser drift av ett verksamhetssystem för socialtjänsten "
            "och gäller från den dag båda parter undertecknat det.\n\n"
            "2. Leverans\n2.1 Leverantören levererar tjänsten enligt bilaga 1 och ansvarar för "
            "att den fungerar enligt avtalad servicenivå.\n\n"
            "3. Sekretess\n3.1 Parterna ska hålla information om den andra parten hemlig och "
            "får inte lämna ut den till tredje man utan skriftligt medgivande.\n\n"
            "UPPSÄGNING\n\n"
            "4.1 Kunden får säga upp avtalet med sex månaders uppsägningstid; uppsägning ska "
            "vara skriftlig och skickas till leverantörens kontaktperson.\n\n"
            "Sida 4 av 6\n",
        ],
        language="sv",
    )
    ix = index_of(tmp_path, [toc])
    res = ix.search("uppsägning", all_versions=True)
    labels = [(h.clause, h.text[:40]) for h in res.hits]
    # the clause first: not the table of contents, the heading or the footer
    # (the clause's text opens with the heading line "UPPSÄGNING" it comes under)
    assert res.hits[0].clause == "4.1" and res.hits[0].text.startswith("UPPSÄGNING\n4.1 Kunden"), labels


def test_a_contents_page_extracted_as_one_line_ranks_below_the_clause(tmp_path):
    """A contents page that the PDF gave as one line ("TABLE OF CONTENTS 1.1 Scope 1 …")
    is contents, not a clause: the clause on termination comes first."""
    pages = [
        "Hosting Agreement TABLE OF CONTENTS Page 1.1 Scope 1 1.2 Fees 2 1.3 Invoices 2 1.4 Taxes 3 "
        "2.1 Termination 3 2.2 Termination for Breach 4 2.3 Effect of Termination 4 2.4 Notices 5 "
        "3.1 Assignment 5 3.2 Governing Law 6 3.3 Disputes 6 3.4 Entire Agreement 7\n\n\n\n"
        "1. General\n\n1.1 Scope. The Supplier hosts the Customer's website and its database on "
        "servers in Sweden.\n\n1.2 Fees. Fees are invoiced monthly in arrears and are payable "
        "within thirty days.\n\n2. Ending\n\n2.1 Ending the Agreement. Either party may end the "
        "Agreement on ninety days' written notice; termination does not affect accrued fees.\n",
    ]
    ix = index_of(tmp_path, [doc("one-line-toc", pages, language="en")])
    hits = ix.search("termination", all_versions=True).hits
    assert hits[0].clause == "2.1", [(h.clause, h.text[:30]) for h in hits]


def test_heading_alone_gives_way_to_its_clause(tmp_path):
    pages = [
        "1. Changes\n\n"
        "1.1 The supplier may update the service description from time to time; material "
        "updates are announced ninety days in advance on the status page.\n\n"
        "2. Fees\n2.1 Fees are invoiced monthly in arrears and are payable within thirty "
        "days of the invoice date.\n"
    ]
    ix = index_of(tmp_path, [doc("en", pages, language="en")])
    res = ix.search("changes")
    assert res.hits, "the clause headed 'Changes' is found through its heading"
    assert res.hits[0].clause == "1.1"
    assert all(h.text.strip() != "1. Changes" for h in res.hits)


# -- versions and near-duplicates -----------------------------------------------------------

CLAUSES = (
    "1. Underbiträden\n1.1 Biträdet får anlita underbiträden inom EU/EES efter skriftligt "
    "godkännande av den personuppgiftsansvarige; en förteckning finns i bilaga 3.\n\n"
    "2. Säkerhet\n2.1 Biträdet ska vidta lämpliga tekniska och organisatoriska åtgärder för "
    "att skydda personuppgifterna mot obehörig åtkomst.\n\n"
)


def test_versions_and_duplicates_fold_into_one_hit(tmp_path):
    v1 = doc("D-1", [CLAUSES], contract_id="c1", language="sv")
    v2 = doc(
        "D-2",
        [CLAUSES + "3. Radering\n3.1 Personuppgifter raderas senast en månad efter avtalets slut.\n"],
        contract_id="c1",
        language="sv",
        supersedes="D-1",
        family="D-1",
    )
    copy = doc("D-3", [CLAUSES], contract_id="c2", language="sv")  # the same DPA, another contract
    twice = doc("D-4", [CLAUSES + "Bilaga 1 – Utdrag ur avtalet\n\n" + CLAUSES],
                contract_id="c3", language="sv")
    other = doc(
        "D-5",
        ["1. Underbiträden\n1.1 Leverantören anlitar inga underbiträden för tjänsten.\n"],
        language="sv",
    )
    ix = index_of(tmp_path, [v1, v2, copy, twice, other])
    alone = ix.search("underbiträden", contract_id="c3").hits
    assert [(a.document_id, a.relation) for a in alone[0].also_in] == [("D-4", "repeated")]
    res = ix.search("underbiträden")
    shown = [(h.document_id, h.clause) for h in res.hits]
    assert shown.count(("D-5", "1.1")) == 1
    subs = [h for h in res.hits if "skriftligt godkännande" in h.text]
    assert len(subs) == 1, shown
    hit = subs[0]
    assert hit.document_id == "D-2"  # the newest version is shown
    also = {(a.document_id, a.relation) for a in hit.also_in}
    assert ("D-1", "earlier version") in also
    assert ("D-3", "same text") in also and ("D-4", "same text") in also
    # D-4 carries the text twice (in the agreement and in its annex): both fold in
    assert sum(1 for a in hit.also_in if a.document_id == "D-4") == 2
    assert set(hit.as_dict()["also_in"]) == {"D-1", "D-3", "D-4"}
    assert res.folded == len(hit.also_in)
    # --all-versions: each passage is a hit of its own
    every = ix.search("underbiträden", all_versions=True, limit=20)
    docs = [h.document_id for h in every.hits if "skriftligt godkännande" in h.text]
    assert sorted(docs) == ["D-1", "D-2", "D-3", "D-4", "D-4"]
    assert all(not h.also_in for h in every.hits)


# -- quoted phrases -------------------------------------------------------------------------


def test_a_quoted_phrase_with_a_hyphenated_or_compound_word_matches(tmp_path):
    """The analyzer adds the parts of "third-party" and of Swedish compounds at the word's
    own position; read as following words, they made such phrases match nothing."""
    en = doc(
        "en",
        ["1. Services\n1.1 You may connect third-party services to the platform at your own "
         "risk; we are not responsible for them.\n\n2. Fees\n2.1 Fees are due monthly.\n"],
        language="en",
    )
    sv = doc(
        "sv",
        ["1. Incidenter\n1.1 Biträdet ska anmäla personuppgiftsincidenter till den "
         "personuppgiftsansvarige utan onödigt dröjsmål.\n\n2. Avgifter\n2.1 Avgiften "
         "betalas månadsvis i förskott.\n"],
        language="sv",
    )
    ix = index_of(tmp_path, [en, sv])
    hits = ix.search('"third-party services"').hits
    assert [(h.document_id, h.clause) for h in hits] == [("en", "1.1")]
    hits = ix.search('"anmäla personuppgiftsincidenter"').hits
    assert [(h.document_id, h.clause) for h in hits] == [("sv", "1.1")]


def test_a_quoted_phrase_word_for_word_ranks_first(tmp_path):
    """Stop words are not indexed, so "set out below" is matched as "set": the clause that
    has the phrase word for word must still come first, above clauses full of "set"."""
    noise = [
        f"{k}. Settings\n{k}.1 Set the set of settings; a set is set per set of users, "
        f"and each set is set again on renewal ({k}).\n\n"
        for k in range(2, 40)
    ]
    pages = ["".join(noise) + "40. Security\n40.1 The supplier takes the technical and "
             "organisational security measures set out below in Annex 2, which it reviews "
             "every year and updates when the risks change.\n"]
    ix = index_of(tmp_path, [doc("en", pages, language="en")])
    hits = ix.search('"set out below"').hits
    assert hits[0].clause == "40.1", [h.clause for h in hits]


def test_swedish_verbal_nouns_find_their_verbs(tmp_path):
    """ "begäran" finds "begär" and "betalning" finds "betala": the stemmer keeps a verbal
    noun and its verb apart, the suffix family brings them together (below the word typed)."""
    pages = [
        "1. Registrerade\n1.1 Om en registrerad begär tillgång till sina personuppgifter ska "
        "biträdet utan dröjsmål hjälpa den personuppgiftsansvarige att svara.\n\n"
        "2. Avgifter\n2.1 Kunden ska betala avgiften månadsvis i förskott mot faktura med "
        "trettio dagars kredit.\n\n"
        "3. Framställningar\n3.1 En begäran om registerutdrag besvaras av den "
        "personuppgiftsansvarige inom en månad.\n"
    ]
    ix = index_of(tmp_path, [doc("sv", pages, language="sv")])
    hits = [h.clause for h in ix.search("begäran").hits]
    assert hits[0] == "3.1" and "1.1" in hits, hits  # the word typed first, the verb after
    assert "2.1" in [h.clause for h in ix.search("betalning").hits]


# -- clause labels --------------------------------------------------------------------------

_ARTICLES = (
    "Article 27\nRepresentatives\nThe processor shall designate a representative. The "
    "processor, every sub-processor and the data processor keep records of processing.\n\n"
    "Article 28\nObligations\nProcessing on behalf of a controller shall be governed by a "
    "contract that sets out the subject-matter and duration of the processing.\n\n"
    "Article 29\nInstructions\nThe processor shall not process those data except on "
    "instructions from the controller, as the processor agreed with every processor.\n\n"
    "ANNEX I\nList of parties\nThe data exporter and the data importer are listed here; "
    "see also Annex III for the list of sub-processors.\n\n"
    "ANNEX II\nTechnical and organisational measures\nMeasures of pseudonymisation and "
    "encryption of personal data, measures for ensuring ongoing confidentiality, measures "
    "for user identification and measures for the protection of data during storage.\n\n"
    "ANNEX III\nList of sub-processors\nThe controller has authorised the use of the "
    "following sub-processors, as set out in Annex I.\n"
)


def test_a_clause_label_in_another_language_finds_the_clause(tmp_path):
    """ "artikel 29" names the clause numbered "Article 29"; "annex ii" (a roman numeral
    is a label after "annex") the annex numbered so, not the ones citing other annexes."""
    ix = index_of(tmp_path, [doc("gdpr", [_ARTICLES], language="en")])
    assert ix.search("artikel 29").hits[0].clause == "Article 29"
    assert ix.search("annex ii").hits[0].clause == "Annex II"
    assert ix.search("bilaga III").hits[0].clause == "Annex III"
    assert ix.search("bilaga 3").hits[0].clause == "Annex III"


def test_other_words_cannot_outrank_the_clause_a_label_names(tmp_path):
    """The clause the query's label names ranks first although other clauses match the
    query's other word (and its synonyms) many times; the label word ("article") is not a
    concept of its own that every clause citing an article matches."""
    ix = index_of(tmp_path, [doc("gdpr", [_ARTICLES], language="en")])
    hits = ix.search("article 28 processor").hits
    assert hits[0].clause == "Article 28", [h.clause for h in hits]
    hits = ix.search("annex ii sub-processors").hits
    assert hits[0].clause == "Annex II", [h.clause for h in hits]
    hits = ix.search("annex iii measures").hits
    assert hits[0].clause == "Annex III", [h.clause for h in hits]
    # a Swedish query: Swedish clauses citing articles and full of the other word (and its
    # synonyms) stay below the English clause the label names
    sv = doc(
        "sv",
        [
            "1. Personuppgiftsbiträdet\n1.1 Personuppgiftsbiträdet och varje underbiträde "
            "ska föra register enligt artikel 30; personuppgiftsbiträdet ska bistå enligt "
            "artikel 32 till 36, och personuppgiftsbiträdet informerar om underbiträden.\n"
        ],
        language="sv",
    )
    ix = index_of(tmp_path / "2", [doc("gdpr", [_ARTICLES], language="en"), sv])
    hits = ix.search("artikel 28 personuppgiftsbiträde underbiträden register").hits
    assert (hits[0].document_id, hits[0].clause) == ("gdpr", "Article 28"), hits


def test_a_sub_number_in_parentheses_finds_the_dotted_clause(tmp_path):
    """ "clause 8(2)" is clause 8.2 (and "punkt 8.2" too), not every clause with a 2."""
    pages = [
        "8. Ansvar\n8.1 Leverantörens ansvar för skada är begränsat till två gånger det "
        "årliga avtalsvärdet.\n8.2 Begränsningen gäller inte vid grov vårdslöshet eller "
        "uppsåt.\n8.3 Krav ska framställas inom 2 månader från att skadan upptäcktes.\n\n"
        "9. Uppsägning\n9.1 Avtalet kan sägas upp med 2 månaders varsel.\n"
    ]
    ix = index_of(tmp_path, [doc("sv", pages, language="sv")])
    assert ix.search("clause 8(2)").hits[0].clause == "8.2"
    assert ix.search("punkt 8.2 ansvar").hits[0].clause == "8.2"


def test_a_label_written_otherwise_finds_the_clause(tmp_path):
    """ "annex 2" / "bilaga 2" is "Annex II" and "bilaga II" is "Bilaga 2"; "paragraf 4"
    and "4 §" are "§ 4" (Swedish statute style)."""
    sv = doc(
        "sv",
        [
            "§ 3 Avgifter\nAvgiften betalas kvartalsvis i förskott mot faktura.\n\n"
            "§ 4 Uppsägning\nAvtalet kan sägas upp med tre månaders varsel; se även bilaga 1 "
            "och 4 kap. i lagen.\n\n"
            "Bilaga 1\nTjänstebeskrivning\nTjänsten omfattar drift av verksamhetssystemet "
            "och support på vardagar.\n\n"
            "Bilaga 2\nSäkerhetsåtgärder\nBehörighetsstyrning, loggning och kryptering av "
            "personuppgifter under överföring.\n"
        ],
        language="sv",
    )
    ix = index_of(tmp_path, [doc("gdpr", [_ARTICLES], language="en"), sv])
    for q in ("annex 2", "bilaga II"):
        top = {h.clause for h in ix.search(q).hits[:2]}
        assert top == {"Annex II", "Bilaga 2"}, (q, top)
    assert ix.search("paragraf 4").hits[0].clause == "§ 4"
    assert ix.search("4 § uppsägning").hits[0].clause == "§ 4"


def test_every_label_of_a_list_counts(tmp_path):
    """ "clause 17 and 18" names two clauses: the second is not demoted as lacking the
    label, and "annex ii and iii" finds both annexes first."""
    pages = [
        "16. Termination\n16.1 Either party may terminate this agreement for material breach "
        "that is not remedied within thirty days of notice.\n\n"
        "17. Governing law\n17.1 These terms are governed by the laws of Sweden, without "
        "regard to its rules on conflicts of law.\n\n"
        "18. Disputes\n18.1 Any dispute shall be resolved by the courts of Stockholm, as the "
        "court of first instance.\n"
    ]
    ix = index_of(tmp_path, [doc("en", pages, language="en")])
    top = {h.clause for h in ix.search("which law and courts (clause 17 and 18)").hits[:2]}
    assert top == {"17.1", "18.1"}, top
    ix2 = index_of(tmp_path / "2", [doc("gdpr", [_ARTICLES], language="en")])
    top = {h.clause for h in ix2.search("annex ii and iii").hits[:2]}
    assert top == {"Annex II", "Annex III"}, top


def test_a_law_number_in_a_question_does_not_point_at_a_clause(tmp_path):
    """A law's number ("2016/679") is searched like a word: the clause answering the rest
    of the question is not demoted for lacking it (only clause labels are pointed at)."""
    pages = [
        "1. Definitions\n1.1 Data Protection Law means Regulation (EU) 2016/679 and the laws "
        "implementing it in Sweden.\n\n"
        "2. Breaches\n2.1 The processor shall notify the controller of a personal data breach "
        "without undue delay and within 36 hours of becoming aware of it.\n"
    ]
    ix = index_of(tmp_path, [doc("en", pages, language="en")])
    hits = ix.search("breach 2016/679").hits
    assert hits[0].clause == "2.1", [h.clause for h in hits]


# -- speed paths give Whoosh's answers ------------------------------------------------------


def test_block_read_first_stage_finds_what_whoosh_finds(tmp_path):
    """The first stage scores a flat OR of terms by reading postings a block at a time
    (index.ranking.Ranker._array_top); it must pick the same candidates, ties included, and
    count the same matches as Whoosh's own array-OR search, over several segments, with
    a deleted document and with masked clauses."""
    from index.ranking import Ranker, _ArrayOr

    words = ["avgift", "ansvar", "sekretess", "uppsägning", "leverans", "vite", "tvist"]
    docs = []
    for d in range(12):
        pages = [
            "\n".join(
                f"{s}.{c} Leverantören ska {words[(d + s + c) % 7]} och {words[(d * c) % 7]} "
                f"enligt avtalet {'med vite ' * (c % 3)}och punkten {s}.{c}."
                for c in range(1, 6)
            )
            for s in range(1, 4)
        ]
        docs.append(doc(f"D-{d}", pages))
    ix = ClauseIndex(tmp_path / "ix", source=lambda: (len(docs), docs))
    for part in (docs[:4], docs[4:8], docs[8:]):  # one segment each
        ix.add(part)
    ix.remove("D-5")  # deleted clauses: Whoosh filters their postings
    ix.search("avgift")
    searcher = ix._get_searcher()
    assert len(list(searcher.leaf_searchers())) > 1
    ranker = Ranker(searcher, ix.weights)
    masked = set(range(0, searcher.doc_count_all(), 7))
    checked = 0
    for terms in (["avgift", "vite"], ["ansvar", "sekretess", "tvist"], words):
        flat = _ArrayOr([wq.Term("body_sv", t, boost=1.0 + i / 3) for i, t in enumerate(terms)])
        for pool in (3, 10, 1000):  # small pools cut through tied scores
            for mask in (None, masked):
                hits = ranker.fast.search(flat, limit=pool, mask=mask, optimize=False)
                want = ({h.docnum for h in hits}, len(hits))
                assert ranker._array_top(flat, pool, (None, mask)) == want
                checked += 1
    assert checked == 18
    ix.close()


def test_only_phrases_asked_of_the_clause_text_rank_exact_matches_first() -> None:
    """A field's quoted value (a supplier's name) and an excluded phrase are not phrases
    the clause text must hold, so they must not sort clauses holding them to the top."""
    from index.syntax import quoted_phrases

    assert quoted_phrases('supplier:"Acme Cloud" "set out below"') == ["set out below"]
    assert quoted_phrases('NOT "data breach" -"third party" "notice period"') == ["notice period"]


def test_a_phrase_in_an_excluded_group_is_not_wanted(tmp_path):
    """A phrase inside NOT (...) or -(...) is excluded, not asked for: it must not sort
    the clauses that hold it to the top (nor be one of the phrases wanted)."""
    from index.syntax import quoted_phrases

    assert quoted_phrases('NOT ("data breach" OR incident) "notice period"') == ["notice period"]
    assert quoted_phrases('-("third party" OR "sub processor") "notice period"') == ["notice period"]
    assert quoted_phrases('(audit -"third party") "notice period"') == ["notice period"]
    assert quoted_phrases('"notice (in writing) period"') == ["notice in writing period"]
    pages = [
        "1. Notice\n1.1 The notice period for a data breach is 30 days from the third "
        "party report.\n1.2 The customer gives notice of termination in writing within a "
        "reasonable period.\n"
    ]
    ix = index_of(tmp_path, [doc("en", pages, language="en")])
    hits = ix.search('notice NOT ("data breach" OR "third party")').hits
    assert [h.clause for h in hits] == ["1.2"], [h.clause for h in hits]


def test_a_heading_over_an_excluded_clause_is_not_shown(tmp_path):
    """ "notice NOT breach": the section heading "1. Notice" (a passage of its own, its
    sub-clauses have headings) heads the excluded clause 1.1: it is shown neither as 1.1
    nor alone."""
    pages = [
        "1. Notice\n\n1.1 Breach\nThe supplier reports a personal data breach within "
        "24 hours.\n\n1.2 Termination\nThe customer gives notice of termination in writing "
        "within a reasonable period.\n"
    ]
    ix = index_of(tmp_path, [doc("en", pages, language="en")])
    hits = ix.search("notice NOT breach").hits
    assert [h.clause for h in hits] == ["1.2"], [h.clause for h in hits]


def test_a_document_type_named_by_a_synonym_lifts_that_document(tmp_path):
    """ "biträdesavtal" names the PUB-avtal (its title says "Personuppgiftsbiträdesavtal",
    its type is pub-avtal): its clauses rank above the main agreement's clause that only
    mentions a biträdesavtal."""
    main = IndexDocument(
        document_id="main", contract_id="c-1", title="Avtal om molntjänst", doc_type="avtal",
        supplier=None, board=None, secret=False, source_path="main.txt", language="sv",
        pages=["1. Avtalets delar\n1.1 Till avtalet hör ett biträdesavtal. Om biträdesavtalet "
               "och detta avtal strider mot varandra gäller biträdesavtalet i frågor om "
               "personuppgifter.\n1.2 Leverantören levererar tjänsten enligt bilaga 1.\n"],
    )
    pub = IndexDocument(
        document_id="pub", contract_id="c-1", title="Personuppgiftsbiträdesavtal",
        doc_type="pub-avtal", supplier=None, board=None, secret=False,
        source_path="pub.txt", language="sv",
        pages=["1. Behandling\n1.1 Personuppgiftsbiträdet behandlar personuppgifter endast "
               "enligt dokumenterade instruktioner från den personuppgiftsansvarige.\n"
               "2. Underbiträden\n2.1 Personuppgiftsbiträdet får anlita underbiträden efter "
               "skriftligt godkännande.\n"],
    )
    ix = index_of(tmp_path, [main, pub])
    hits = ix.search("biträdesavtal").hits
    assert hits[0].document_id == "pub", [(h.document_id, h.clause) for h in hits]


def test_a_hyphenated_query_word_finds_its_parts(tmp_path):
    """ "AI-modeller" typed with a hyphen still finds "AI modeller" written apart (and the
    word is not silently dropped from the query when the index lacks the whole form)."""
    pages = [
        "1. Data\n1.1 Leverantören tränar inte sina AI modeller på kundens uppgifter.\n"
        "1.2 Leverantören lagrar kundens uppgifter inom EU.\n"
    ]
    ix = index_of(tmp_path, [doc("sv", pages, language="sv")])
    hits = ix.search("AI-modeller").hits
    assert [h.clause for h in hits] == ["1.1"], [h.clause for h in hits]
    hits = ix.search("tränas uppgifter för AI-modeller").hits
    assert hits[0].clause == "1.1", [h.clause for h in hits]


def _swedish_liability_terms() -> list[IndexDocument]:
    """Three Swedish suppliers' terms, each with a clause on the limitation of liability."""
    return [
        IndexDocument(
            document_id=f"sv{k}", contract_id=f"c-sv{k}", title=f"Allmänna villkor {k}",
            doc_type="villkor", supplier=f"Leverantör {k}", board=None, secret=False,
            source_path=f"sv{k}.txt", language="sv",
            pages=[f"{k}. Ansvarsbegränsning\n{k}.1 Leverantörens ansvarsbegränsning: "
                   "ansvaret är begränsat till avgifterna för de senaste tolv månaderna. "
                   "Ansvarsbegränsningen gäller inte vid grov vårdslöshet.\n"],
        )
        for k in range(1, 4)
    ]


def test_a_question_about_a_named_document_in_the_other_language(tmp_path):
    """A Swedish question naming an English supplier's terms ("Är Acmes ansvarsbegränsning …")
    finds that document's clause on the limitation of liability through the glossary,
    above Swedish clauses of other suppliers on the same topic."""
    en = IndexDocument(
        document_id="acme", contract_id="c-acme", title="Acme Cloud Terms", doc_type="villkor",
        supplier="Acme", board=None, secret=False, source_path="acme.txt", language="en",
        pages=["1. Services\n1.1 Acme provides the cloud services described in the order.\n"
               "2. Limitation of liability\n2.1 The limitation of liability: each party's total "
               "liability is limited to the fees paid in the previous twelve months.\n"],
    )
    ix = index_of(tmp_path, [en, *_swedish_liability_terms()])
    hits = ix.search("Är Acmes ansvarsbegränsning begränsad till avgifterna för tolv månader?").hits
    assert (hits[0].document_id, hits[0].clause) == ("acme", "2.1"), [
        (h.document_id, h.clause) for h in hits
    ]


_GDPR_EXCERPT = (
    "Article 28\nProcessor\n1. Where processing is to be carried out on behalf of a "
    "controller, the controller shall use only processors providing sufficient guarantees.\n\n"
    "3. Processing by a processor shall be governed by a contract that sets out the "
    "subject-matter and duration of the processing.\n\n"
    "Article 32\nSecurity of processing\nThe controller and the processor shall implement "
    "appropriate technical and organisational measures.\n\n"
    "Article 33\nNotification of a personal data breach\nThe controller shall notify the "
    "breach.\n"
)
_CITING_DPA = (
    "1. Scope\n1.1 This DPA implements Article 28(3) GDPR. The processor follows Article 28(3) "
    "and Article 32 GDPR, and the processor gives the controller what Article 28(3) requires.\n"
    "1.2 Each party complies with Article 32 and Article 28(3) of the GDPR; see clause 2.2 and "
    "Annex II.\n\n"
    "2. Audits\n2.1 The controller may audit the processor once a year.\n"
    "2.2 Documentation and compliance: the processor keeps documentation.\n\n"
    "Annex II\nTechnical and organisational measures\nEncryption and access control measures.\n"
)


def test_an_identifier_ranks_the_clause_numbered_so_above_clauses_citing_it(tmp_path):
    """ "Article 28(3)", "artikel 32", "klausul 2.2", "bilaga II": the clause numbered so
    (or, for a paragraph no clause is numbered with, the article holding it) comes first,
    above clauses that cite the identifier several times. An excerpt of articles (28, 32,
    33) is still cut into articles."""
    sv = ("1. Omfattning\n1.1 Detta avtal uppfyller artikel 32 och artikel 28.3 i "
          "dataskyddsförordningen; se klausul 2.2 och bilaga II. Biträdet följer artikel 32.\n")
    ix = index_of(tmp_path, [
        doc("gdpr", [_GDPR_EXCERPT], language="en"),
        doc("dpa", [_CITING_DPA], language="en"),
        doc("sv", [sv], language="sv"),
    ])
    for query, want in [
        ("Article 28(3)", ("gdpr", "Article 28")),
        ("artikel 32", ("gdpr", "Article 32")),
        ("article 33 breach", ("gdpr", "Article 33")),
        ("klausul 2.2", ("dpa", "2.2")),
        ("2.2", ("dpa", "2.2")),
        ("bilaga II", ("dpa", "Annex II")),
    ]:
        hits = ix.search(query).hits
        assert (hits[0].document_id, hits[0].clause) == want, (
            query, [(h.document_id, h.clause) for h in hits])


def test_a_question_naming_a_product_found_only_in_the_other_language(tmp_path):
    """A name that only the English clause text has ("Zephyr", in no title) makes a
    Swedish question about it bilingual, as a supplier named in a title does."""
    en = IndexDocument(
        document_id="en", contract_id="c-en", title="Cloud Terms", doc_type="villkor",
        supplier=None, board=None, secret=False, source_path="en.txt", language="en",
        pages=["1. Services\n1.1 The provider operates the Zephyr platform for the customer.\n"
               "2. Limitation of liability\n2.1 For Zephyr, the limitation of liability: each "
               "party's total liability is limited to the fees paid in the previous twelve "
               "months.\n"],
    )
    ix = index_of(tmp_path, [en, *_swedish_liability_terms()])
    hits = ix.search("Är Zephyrs ansvarsbegränsning begränsad till avgifterna för tolv månader?").hits
    assert (hits[0].document_id, hits[0].clause) == ("en", "2.1"), [
        (h.document_id, h.clause) for h in hits
    ]


def test_a_definition_question_finds_the_clause_defining_the_term(tmp_path):
    """ "definition of Subprocessor", "vad avses med underbiträde": the clause that defines
    the term comes first, above clauses that use it often (and above a list item that only
    names one: "Subprocessor: (a) …"); the defining clause does not say "definition"."""
    en = ("1. Scope\nThis DPA covers the Services.\n\n"
          "2. Terms\n2.1 \"Subprocessor\" means any third party engaged by the Provider to "
          "process Customer Personal Data on its behalf.\n"
          "2.2 \"Services\" means the cloud services ordered by the Customer.\n\n"
          "3. Subprocessors\n3.1 The Provider may engage a Subprocessor after notice. Each "
          "Subprocessor is bound by terms no less protective; the Provider is liable for every "
          "Subprocessor and lists each Subprocessor and the definitions that apply to them.\n"
          "3.2 Where the Provider appoints a new Subprocessor: (a) it gives thirty days' notice; "
          "(b) the Customer may object to the Subprocessor.\n")
    sv = ("1. Omfattning\nDetta avtal gäller Tjänsten.\n\n"
          "2. Begrepp\nUnderbiträde: Tredje part som Biträdet anlitar för att behandla "
          "personuppgifter för den Ansvariges räkning.\n\n"
          "3. Underbiträden\n3.1 Biträdet får anlita underbiträde efter skriftligt godkännande. "
          "Varje underbiträde ska bindas av ett skriftligt avtal och Biträdet ansvarar för sina "
          "underbiträden. En förteckning över underbiträden, med de definitioner som gäller, "
          "finns i bilagan.\n")
    ix = index_of(tmp_path, [doc("dpa", [en], language="en"), doc("pub", [sv], language="sv")])
    for query, want in [
        ("definition of Subprocessor", ("dpa", "2.1")),
        ("what does Subprocessor mean", ("dpa", "2.1")),
        ("vad avses med underbiträde", ("pub", "2")),
        ("definitionen av underbiträde", ("pub", "2")),
    ]:
        hits = ix.search(query).hits
        assert (hits[0].document_id, hits[0].clause) == want, (
            query, [(h.document_id, h.clause, h.text[:40]) for h in hits])


def test_a_label_with_its_clause_word_ranks_the_clause_so_labelled_first(tmp_path):
    """ "Clause 11", "klausul 11": the clause the document itself labels "Clause 11" comes
    before short sections numbered a bare "11." in other agreements (which match the number
    as well, and more strongly, being short)."""
    scc = ("Clause 10 Data subject rights\n(a) The data importer shall promptly notify the "
           "data exporter of any request it has received from a data subject.\n\n"
           "Clause 11 Redress\n(a) The data importer shall inform data subjects in a "
           "transparent and easily accessible format, through individual notice or on its "
           "website, of a contact point authorised to handle complaints. It shall deal "
           "promptly with any complaints it receives from a data subject.\n(b) In case of a "
           "dispute between a data subject and one of the Parties as regards compliance with "
           "these Clauses, that Party shall use its best efforts to resolve the issue "
           "amicably in a timely fashion.\n\n"
           "Clause 12 Liability\n(a) Each Party shall be liable to the other Party/ies for "
           "any damages it causes the other Party/ies by any breach of these Clauses.\n")
    terms = "".join(f"{n}. Villkor {n}\nParterna har kommit överens om villkor nummer {n} i "
                    "detta avtal, som gäller under hela avtalstiden.\n\n" for n in range(1, 14))
    other = "".join(f"{n}. Term {n}\nThe parties agree to term number {n} of this agreement, "
                    "which applies for as long as the agreement runs.\n\n" for n in range(1, 14))
    ix = index_of(tmp_path, [doc("scc", [scc], language="en"), doc("villkor", [terms], language="sv"),
                             doc("terms", [other], language="en")])
    for query in ("Clause 11", "klausul 11"):
        hits = ix.search(query).hits
        assert (hits[0].document_id, hits[0].clause) == ("scc", "Clause 11"), (
            query, [(h.document_id, h.clause) for h in hits])


def test_one_long_agreement_does_not_fill_the_page(tmp_path):
    """Twelve clauses of one agreement that repeat the word do not push the one clause of
    another agreement on the subject off the first five hits: each further clause of a
    document counts a little less (Weights.same_document), and within the document the
    order stays as it was."""
    long = "".join(
        f"{n}. Underbiträden i led {n}\n{n}.1 Biträdet får anlita underbiträden i led {n} efter "
        f"godkännande; varje underbiträde i led {n} följer avtalet.\n\n" for n in range(1, 13))
    other = ("1. Omfattning\nAvtalet gäller drift av e-tjänster för kommunen och dess nämnder.\n\n"
             "2. Underbiträden\n2.1 Leverantören får inte anlita underbiträden utan kommunens "
             "skriftliga godkännande i förväg, och ska ge kommunen en förteckning över dem.\n\n"
             "3. Pris\nPriset framgår av bilaga 1.\n")
    ix = index_of(tmp_path, [doc("long", [long], language="sv"), doc("other", [other], language="sv")])
    hits = [(h.document_id, h.clause) for h in ix.search("underbiträden", limit=5).hits]
    assert ("other", "2.1") in hits, hits
    assert [c for d, c in hits if d == "long"] == ["1.1", "2.1", "3.1", "4.1"], hits


def test_a_prefix_longer_than_the_stem_finds_the_word(tmp_path):
    """ "liabilit*", "terminat*": words are indexed as stems ("liabil", "termin"), which a
    prefix typed past the stem does not begin; such a prefix still finds them, in a field
    too ("heading:terminat*"), and a prefix of the stem finds what it did."""
    en = ("1. Liability\n1.1 The supplier's liability is limited to the fees paid in the last "
          "twelve months.\n\n2. Termination\n2.1 Termination requires three months' written "
          "notice.\n\n3. Fees\n3.1 Fees are fixed for the first year.\n")
    ix = index_of(tmp_path, [doc("msa", [en], language="en")])
    for query, want in [("liabilit*", "1.1"), ("terminat*", "2.1"), ("heading:terminat*", "2.1"),
                        ("liabil*", "1.1")]:
        hits = ix.search(query).hits
        assert hits and hits[0].clause == want, (query, [h.clause for h in hits])
    assert not ix.search("terminat* AND fixed").hits  # still the clause must hold both
