# Internationalisation with Babel and gettext: messages extracted from code,
# a catalog compiled to .mo and loaded, dates, numbers and currencies
# formatted for several locales, plural forms.
import datetime, decimal, gettext, io, os

from babel import Locale, dates, numbers
from babel.messages import Catalog, extract, mofile, pofile

workdir = os.environ["BENIGN_WORKDIR"]
code = io.BytesIO(b"from gettext import gettext as _, ngettext\nprint(_('Disk full'))\n"
                  b"print(ngettext('%d file', '%d files', n) % n)\n")
catalog = Catalog(locale="de", domain="app")
for line, message, comments, context in extract.extract("python", code):
    catalog.add(message, locations=[("app.py", line)])
catalog["Disk full"].string = "Festplatte voll"
catalog[("%d file", "%d files")].string = ("%d Datei", "%d Dateien")
directory = os.path.join(workdir, "locale", "de", "LC_MESSAGES")
os.makedirs(directory)
with open(os.path.join(directory, "app.po"), "wb") as out:
    pofile.write_po(out, catalog)
with open(os.path.join(directory, "app.po"), "rb") as back:
    assert pofile.read_po(back, locale="de")["Disk full"].string == "Festplatte voll"
with open(os.path.join(directory, "app.mo"), "wb") as out:
    mofile.write_mo(out, catalog)
translation = gettext.translation("app", os.path.join(workdir, "locale"), languages=["de"])
assert translation.gettext("Disk full") == "Festplatte voll"
assert translation.ngettext("%d file", "%d files", 3) % 3 == "3 Dateien"
moment = datetime.datetime(2024, 3, 9, 14, 30)
assert dates.format_date(moment, format="long", locale="de_DE") == "9. März 2024"
assert dates.format_datetime(moment, "EEEE", locale="fr_FR") == "samedi"
assert numbers.format_decimal(decimal.Decimal("1234567.891"), locale="en_IN") == "12,34,567.891"
assert numbers.format_currency(1099.5, "EUR", locale="de_DE") == "1.099,50\xa0€"
assert Locale.parse("pt_BR").get_display_name("en") == "Portuguese (Brazil)"
assert Locale("ru").plural_form(5) == "many"
