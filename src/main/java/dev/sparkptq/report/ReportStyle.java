package dev.sparkptq.report;

/**
 * report.html's inline style sheet. Only fonts the viewer already has (no web fonts: the page fetches nothing); the
 * chart colours live next to the charts that use them, as attributes, so that a screenshot test can find them.
 * No quotes or angle brackets: the sheet goes through {@link Markup#escape}, which must leave it unchanged (a
 * style element's content is not entity-decoded).
 */
final class ReportStyle {
    static final String CSS = """
            body { font: 14px/1.45 system-ui, DejaVu Sans, Liberation Sans, Arial, sans-serif; color: #1f2328;
                   background: #f3f4f6; margin: 0; }
            header { background: #1f2d3d; color: #fff; padding: 16px 28px 10px; }
            header h1 { margin: 0 0 4px; font-size: 22px; font-weight: 600; }
            header .lead { margin: 0 0 10px; color: #d0d7de; }
            nav a { color: #9ecbff; margin-right: 18px; text-decoration: none; font-size: 13px; }
            section { background: #fff; margin: 14px auto; max-width: 1220px; padding: 12px 20px 16px;
                      border: 1px solid #d8dee4; border-radius: 6px; }
            h2 { font-size: 17px; margin: 0 0 8px; padding-bottom: 6px; border-bottom: 1px solid #eaeef2; }
            h3 { font-size: 14px; margin: 0 0 6px; }
            .cards { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 12px; margin-bottom: 10px; }
            .card { border: 1px solid #eaeef2; border-radius: 6px; padding: 8px 12px; }
            table { border-collapse: collapse; }
            table.kv th { text-align: left; font-weight: 600; color: #57606a; padding: 1px 14px 1px 0;
                          white-space: nowrap; vertical-align: top; }
            table.kv td { padding: 1px 0; overflow-wrap: anywhere; }
            table.types { margin: 6px 0 4px; }
            table.types th, table.types td { padding: 1px 14px 1px 0; }
            table.grid { margin: 6px 0 10px; }
            table.grid th, table.grid td { padding: 3px 14px; border-bottom: 1px solid #eaeef2; text-align: left; }
            .num { text-align: right; font-variant-numeric: tabular-nums; }
            table.grid .num, table.ranges th.num { text-align: right; }
            .worse { color: #b42318; font-weight: 600; }
            .note { color: #3d444d; margin: 4px 0 8px; }
            .muted { color: #6e7781; margin: 4px 0; }
            .placeholder { font-style: italic; }
            .warn { background: #fff8e6; border: 1px solid #f0c36d; border-radius: 4px; padding: 6px 10px;
                    margin: 6px 0; }
            .notes { background: #f3f6fb; border: 1px solid #c9d7ea; border-radius: 4px; padding: 6px 10px;
                     margin: 6px 0; }
            .warn ul, .notes ul { margin: 2px 0; padding-left: 20px; }
            .side { display: flex; gap: 40px; align-items: flex-start; flex-wrap: wrap; }
            .legend { margin: 4px 0 6px; font-size: 12.5px; }
            .key { margin-right: 16px; white-space: nowrap; }
            .swatch { display: inline-block; width: 11px; height: 11px; margin-right: 5px; vertical-align: -1px;
                      border-radius: 2px; }
            .scroll { max-height: 560px; overflow: auto; border: 1px solid #eaeef2; }
            table.ranges { width: 100%; font-size: 11.5px; line-height: 14px; }
            table.ranges th { position: sticky; top: 0; z-index: 1; background: #f6f8fa; text-align: left;
                              padding: 2px 6px; border-bottom: 1px solid #d0d7de; font-weight: 600;
                              vertical-align: bottom; white-space: nowrap; }
            table.ranges td { padding: 0 6px; white-space: nowrap; border-bottom: 1px solid #f3f4f6; }
            table.ranges tbody tr:hover { background: #f0f6ff; }
            table.ranges td.name { max-width: 230px; overflow: hidden; text-overflow: ellipsis;
                                   font-family: ui-monospace, DejaVu Sans Mono, monospace; font-size: 11px; }
            table.ranges td.bar, table.ranges th.axis { padding: 0 4px; }
            table.ranges svg { display: block; }
            svg text { font-size: 11px; fill: #3d444d; }
            svg text.label { font-size: 12px; fill: #1f2328; }
            svg text.caption { fill: #6e7781; }
            svg line.grid { stroke: #e5e7eb; }
            svg line.zero, svg line.axis { stroke: #8c959f; }
            details { margin-top: 8px; }
            details pre { max-height: 360px; overflow: auto; background: #f6f8fa; padding: 8px; font-size: 12px; }
            footer { text-align: center; color: #6e7781; font-size: 12px; margin: 6px 0 24px; }
            """;

    private ReportStyle() {
    }
}
