"""A real application: render a jinja2 template (Debian's python3-jinja2)."""
import jinja2

template = jinja2.Environment(autoescape=True).from_string(
    "<ul>{% for user in users %}<li class='{{ loop.cycle('odd', 'even') }}'>"
    "{{ user.name|title }} ({{ user.email }})</li>{% endfor %}</ul>")
users = [{"name": f"user {i}", "email": f"u{i}@example.org"} for i in range(200)]
for _ in range(100):
    html = template.render(users=users)
print(len(html))
