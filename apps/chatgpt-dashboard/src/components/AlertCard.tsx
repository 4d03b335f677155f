import type { ReactNode } from 'react';

/** What an alert card says: a title, the cause and the fix. */
export interface AlertContent {
  title: string;
  cause: string;
  fix: string;
}

/** Props of {@link AlertCard}. */
export interface AlertCardProps {
  /** Id of the heading (the section is labelled by it). */
  titleId: string;
  content: AlertContent;
  /** Extra content after the fix (details, actions). */
  children?: ReactNode;
  /** Marks the map-health card for tests and styling. */
  'data-map-health'?: string;
}

/** The `role="alert"` troubleshooting card: title, cause, fix, then any extra content. */
export function AlertCard({ titleId, content, children, ...rest }: AlertCardProps): React.JSX.Element {
  return (
    <section className="trouble" role="alert" aria-labelledby={titleId} {...rest}>
      <h2 id={titleId}>{content.title}</h2>
      <p>
        <strong>Cause:</strong> {content.cause}
      </p>
      <p>
        <strong>Fix:</strong> {content.fix}
      </p>
      {children}
    </section>
  );
}
