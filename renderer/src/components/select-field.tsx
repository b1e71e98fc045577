import { useId } from 'react';

/** A labelled <select> with its error line, laid out like TextField. */
export function SelectField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: string[];
  error: string | undefined;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={`${id}-error`}
        onChange={(event) => props.onChange(event.target.value)}
      >
        {props.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
      <p id={`${id}-error`} className="field-error">
        {props.error ?? ''}
      </p>
    </div>
  );
}
