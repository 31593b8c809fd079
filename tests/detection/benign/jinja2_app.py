import jinja2

environment = jinja2.Environment(loader=jinja2.DictLoader({"page": "{% for x in items %}<li>{{ x|e }}</li>{% endfor %}"}),
                                 autoescape=True)
assert "<li>&lt;b&gt;</li>" in environment.get_template("page").render(items=["<b>"])
