"""What the bot says, played through the real bot in kk, ru and en: the words a frightened
witness reads must neither alarm nor promise more than the bot does."""

from __future__ import annotations

from dataclasses import replace

import pytest
from babel.messages.pofile import read_po

from handlers import texts
from handlers.forms import CONSENT_TERMS
from handlers.forms.common import NARRATIVE
from handlers.forms.ill_treatment import ILL_TREATMENT, METHODS
from handlers.forms.model import Special
from handlers.forms.reading import REQUIRED, SPECIAL_LABELS
from handlers.i18n import _, language
from locales import LOCALES_DIR
from standin import BotApiStandin
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.models import Case
from tests.e2e.harness import Witness, cases, running_bot
from tests.e2e.test_conversation import CLOSE, START, count

LANGUAGES = ["kk", "ru", "en"]
METHODS_YOU = next(
    q.text for q in ILL_TREATMENT.questions() if q.id == "methods" and q.text != METHODS.text
)


def tr(lang: str, msgid: str) -> str:
    with language(lang):
        return _(msgid)


def labels(witness: Witness) -> list[str]:
    return [label for row in witness.screen.buttons for label in row]


async def to_review(witness: Witness, lang: str) -> None:
    await witness.command("/start")
    await witness.tap(lang)
    await consent_to_review(witness)


async def consent_to_review(witness: Witness) -> None:
    for code in START:
        await witness.tap(code)
    await witness.say("Коротко.")
    for code in CLOSE:
        await witness.tap(code)


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_dont_send_asks_first_and_no_returns_to_the_review(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey, lang: str
) -> None:
    """Given a finished report, When the witness presses "Don't send", Then nothing is lost
    until they confirm; "No" brings the review back, "Yes" throws the report away unsent."""
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness(lang)
        await to_review(witness, lang)
        dont_send = tr(lang, texts.REVIEW_CANCEL)
        assert dont_send in labels(witness)
        assert dont_send not in (tr(lang, texts.WIPE_CONFIRM_YES), tr(lang, texts.WIPE_NOW))
        assert not {"Өшіру", "Удалить", "Discard"} & set(labels(witness))

        await witness.act("x")
        assert witness.screen.text == tr(lang, texts.DISCARD_CONFIRM)
        assert labels(witness) == [tr(lang, texts.DISCARD_YES), tr(lang, texts.DISCARD_NO)]

        await witness.act("x", "no")
        assert tr(lang, texts.REVIEW_SEND) in labels(witness), "back on the review"
        await witness.act("x")
        await witness.act("x", "yes")
        assert tr(lang, texts.CANCELLED).split("\n")[0] in witness.screen.text
        assert tr(lang, texts.REVIEW_SEND) not in labels(witness)
        await witness.command("/start")
        assert tr(lang, texts.RESUMED) not in witness.screen.text, "the draft is gone"
    assert await cases(database_url) == 0


async def test_an_old_dont_send_button_cannot_skip_the_confirmation(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey, db: Database
) -> None:
    """A "yes" only counts from the confirmation on show: after "No", a press of the old
    confirmation's "yes" (a second tap, or a client that kept it) is stale; the report is
    still sent."""
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness("en")
        await to_review(witness, "en")
        await witness.act("x")
        confirm = witness.screen
        yes = next(d for row in confirm.button_data for d in row if d and d.endswith("|yes"))
        await witness.act("x", "no")
        await witness.user.press_data(yes, confirm.message_id)
        await witness.settle()
        await witness.act("s")
    assert await count(db, Case) == 1


def ticket_of(witness: Witness) -> str:
    data = next(d for row in witness.screen.button_data for d in row if d)
    return data.split("|", 1)[0]


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_a_required_question_explains_why_instead_of_refusing(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey, lang: str
) -> None:
    """Given a question the report needs, When a skip arrives anyway (a forged or old
    client's button), Then the witness reads why we need it and how little is enough."""
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness(lang)
        await witness.command("/start")
        for code in (lang, "yes", "detention"):
            await witness.tap(code)
        role = witness.screen
        await witness.user.press_data(f"{ticket_of(witness)}|a|skipped", role.message_id)
        await witness.settle()
        shown = witness.screen.text
    with language(lang):
        assert _(REQUIRED) in shown
        assert _(SPECIAL_LABELS[Special.DONT_KNOW]) in _(REQUIRED), "names the real button"
    for demand in ("cannot be skipped", "нельзя пропустить", "болмайды"):
        assert demand not in shown


JARGON = ("end-to-end", "sealed", "server", "шифр", "сервер", "сквозн", "шифрлан")


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_one_plain_consent_names_the_group_and_the_draft_hours_in_both_places(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey, lang: str
) -> None:
    """The consent screen and the form's own consent question say the same thing: who
    reads (from the config), what Telegram sees, how long unsent answers stay readable
    (from the config), and who reads after Send, in words without jargon."""
    async with running_bot(standin, database_url, reviewer_key) as bot:
        reviewers = replace(bot.config.reviewers, organisation="Bureau <Adilet>")
        security = replace(bot.config.security, draft_ttl_hours=48)
        bot.with_config(reviewers=reviewers, security=security)
        await bot.restart()
        witness = bot.witness(lang)
        await witness.command("/start")
        await witness.tap(lang)
        consent = witness.screen.text
        await consent_to_review(witness)
        await witness.act("e", "consent")
        question = witness.screen.text
    terms = tr(lang, CONSENT_TERMS).format(organisation="Bureau <Adilet>", hours=48)
    assert terms in consent and terms in question, "the same words in both places"
    assert consent.startswith(tr(lang, texts.CONSENT) + "\n")
    assert "48" in terms and "72" not in terms
    assert "Telegram" in terms
    for word in JARGON:
        assert word not in consent.lower() and word not in question.lower(), word


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_an_unnamed_group_is_described_neutrally(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey, lang: str
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness(lang)
        await witness.command("/start")
        await witness.tap(lang)
        consent = witness.screen.text
    who = tr(lang, texts.ORGANISATION_DEFAULT)
    assert tr(lang, CONSENT_TERMS).format(organisation=who, hours=72) in consent
    assert "{" not in consent


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("role", ["self", "relative"])
async def test_ill_treatment_asks_for_the_account_before_the_checklist_and_says_you(
    standin: BotApiStandin,
    database_url: str,
    reviewer_key: ReviewerPrivateKey,
    lang: str,
    role: str,
) -> None:
    """A survivor tells what happened in their own words before meeting a list that names
    sexual violence, and is asked "what was done to you", not "to the person"."""
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness(lang)
        await witness.command("/start")
        for code in (lang, "yes", "ill_treatment", role, "today", "almaty", "skipped", "no"):
            await witness.tap(code)
        await witness.tap("police")
        await witness.tap("done")
        account = witness.screen.text
        await witness.say("Коротко.")
        checklist = witness.screen.text
        checklist_labels = labels(witness)
    with language(lang):
        assert _(NARRATIVE.text) in account, "the account comes first"
        assert _("Sexual violence") not in account
        assert _("Sexual violence") in checklist_labels
        assert _("Pushed or dragged") in checklist_labels
        you, them = _(METHODS_YOU), _(METHODS.text)
    assert (you if role == "self" else them) in checklist
    assert (them if role == "self" else you) not in checklist


NUR_SULTAN = {"kk": "Нұр-Сұлтан", "ru": "Нур-Султан", "en": "Nur-Sultan"}
ROLE_QUESTION = {
    "kk": "Сіз бұл оқиға туралы кім ретінде хабарлап отырсыз?",
    "ru": "Как вы связаны с тем, что произошло?",
    "en": "What is your connection to what happened?",
}


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_the_role_and_the_capital_read_as_a_careful_native_speaker_writes_them(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey, lang: str
) -> None:
    """The role question does not ask about "your participation" (an echo of the "mass
    riots" charge); Astana, Nur-Sultan in January 2022, is shown under both names."""
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness(lang)
        await witness.command("/start")
        for code in (lang, "yes", "detention"):
            await witness.tap(code)
        role = witness.screen.text
        await witness.tap("relative")
        await witness.tap("today")
        places = labels(witness)
    assert ROLE_QUESTION[lang] in role
    assert "қатысыңыз" not in role
    assert any(NUR_SULTAN[lang] in label for label in places)


WRITTEN_OUT = {
    "kk": ("митингі", "камера", "байланысқанын", "әкімшілік сот", "қатысыңыз"),
    "ru": ("(-ла)", "за это отвечает", "административный суд", "на камеру"),
    "en": ("administrative court",),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_phrases_the_language_review_struck_out_are_gone(lang: str) -> None:
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    text = "\n".join(str(m.string) for m in catalog if m.id)
    for phrase in WRITTEN_OUT[lang]:
        assert phrase not in text, phrase
