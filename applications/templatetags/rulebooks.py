from django import template

from applications.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """A rulebook's Markdown as safe HTML (applications.markdown)."""
    return render_markdown(text)
