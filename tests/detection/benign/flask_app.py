import flask

app = flask.Flask(__name__)


@app.route("/items/<int:item>")
def item(item):
    return flask.jsonify(item=item, page=flask.render_template_string("<p>{{ n }}</p>", n=item))


assert app.test_client().get("/items/7").get_json() == {"item": 7, "page": "<p>7</p>"}
