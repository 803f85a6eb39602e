<?xml version="1.0" encoding="utf-8"?>
<!-- Shows an RSS 2.0 or Atom 1.0 feed of this site as a page when a browser opens it,
     in the feed's language (one stylesheet per language: announcements.feeds.stylesheet).
     Feed readers ignore this stylesheet. No styles, no script: the browser's own look. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>

  <xsl:variable name="title" select="/rss/channel/title | /atom:feed/atom:title"/>
  <xsl:variable name="site" select="/rss/channel/link | /atom:feed/atom:link[@rel='alternate']/@href"/>

  <xsl:template match="/">
    <html lang="{{ language_code() }}" dir="{% if language_bidi() %}rtl{% else %}ltr{% endif %}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title><xsl:value-of select="$title"/> ({{ _("news feed") }})</title>
      </head>
      <body>
        <main class="wrap" id="main">
          <p class="feed-notice"><strong>{{ _("This is a news feed.") }}</strong>
            {{ _("A feed reader (an app or website such as NetNewsWire, Feedly, Inoreader or Thunderbird) checks it for you and shows what is new. To follow this news, copy this page's address from the address bar into your reader.") }}</p>
          <p>{{ _("Rather get the news by email?") }}
            <a href="{{ route_url('subscribe') }}">{{ _("Subscribe to the news by email") }}</a>.</p>
          <h1><xsl:value-of select="$title"/></h1>
          <p><a href="{$site}">{{ _("Visit the site") }}</a></p>
          <xsl:apply-templates select="/rss/channel/item | /atom:feed/atom:entry"/>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="item">
    <article>
      <h2><a href="{link}"><xsl:value-of select="title"/></a></h2>
      <p><xsl:value-of select="pubDate"/></p>
      <p><xsl:value-of select="description"/></p>
    </article>
  </xsl:template>

  <xsl:template match="atom:entry">
    <article>
      <h2><a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></h2>
      <p><xsl:value-of select="atom:published"/></p>
      <p><xsl:value-of select="atom:summary"/></p>
    </article>
  </xsl:template>
</xsl:stylesheet>
