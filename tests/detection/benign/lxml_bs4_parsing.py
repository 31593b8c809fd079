# Parsing markup: lxml for XML (XPath, a namespace, XSLT, a schema) and
# HTML, BeautifulSoup over html.parser and lxml, ElementTree for a feed.
import xml.etree.ElementTree as ElementTree

import bs4
from lxml import etree, html

feed = b"""<?xml version="1.0"?>
<inventory xmlns="urn:example:inventory">
  <host name="web1" role="web"><ip>10.0.0.1</ip></host>
  <host name="db1" role="db"><ip>10.0.0.2</ip></host>
</inventory>"""
tree = etree.fromstring(feed)
names = tree.xpath("//i:host[@role='web']/@name", namespaces={"i": "urn:example:inventory"})
assert names == ["web1"]
transform = etree.XSLT(etree.XML(b"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:i="urn:example:inventory"><xsl:output method="text"/>
  <xsl:template match="/"><xsl:for-each select="//i:host"><xsl:value-of select="@name"/>,</xsl:for-each></xsl:template>
</xsl:stylesheet>"""))
assert str(transform(etree.ElementTree(tree))) == "web1,db1,"
schema = etree.XMLSchema(etree.XML(b"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="port" type="xs:positiveInteger"/></xs:schema>"""))
assert schema.validate(etree.XML(b"<port>22</port>")) and not schema.validate(etree.XML(b"<port>-1</port>"))
page = """<html><head><title>Status</title></head><body>
<table id="hosts"><tr><th>host</th><th>state</th></tr><tr><td>web1</td><td class="ok">up</td></tr>
<tr><td>db1</td><td class="bad">down</td></tr></table><a href="/next?page=2">next</a><p>broken <b>markup</p></body></html>"""
document = html.fromstring(page)
assert document.xpath("//td[@class='bad']/preceding-sibling::td/text()") == ["db1"]
assert etree.tostring(document.find(".//title"), method="text", encoding="unicode") == "Status"
for parser in ("html.parser", "lxml"):
    soup = bs4.BeautifulSoup(page, parser)
    rows = [[cell.get_text() for cell in row.find_all("td")] for row in soup.select("#hosts tr")[1:]]
    assert rows == [["web1", "up"], ["db1", "down"]]
    assert soup.find("a")["href"] == "/next?page=2"
root = ElementTree.fromstring(feed)
assert [host.get("name") for host in root.iter("{urn:example:inventory}host")] == ["web1", "db1"]
