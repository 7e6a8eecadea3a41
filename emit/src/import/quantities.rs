//! Compose's spellings of durations, memory sizes and CPU counts, read into the DSL's types
//! (<https://docs.docker.com/reference/compose-file/extension/#specifying-durations>,
//! <https://docs.docker.com/reference/compose-file/extension/#specifying-byte-values>).

use super::rust::Expr;

/// A duration such as `1m30s`, `10s` or `500ms`, in whole seconds (rounded up, so a check never
/// gets less time than written), or `None` when it is not one.
pub fn seconds(text: &str) -> Option<u64> {
    let mut rest = text.trim();
    let mut millis: u64 = 0;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "h" => 3_600_000.0,
            "m" => 60_000.0,
            "s" | "" => 1000.0,
            "ms" => 1.0,
            "us" | "µs" => 0.001,
            _ => return None,
        };
        rest = &rest[unit_len..];
        millis = millis.checked_add((number * factor).round() as u64)?;
    }
    Some(millis.div_ceil(1000))
}

/// `secs(n)`, or `mins(n)` for whole minutes.
pub fn duration(seconds: u64) -> Expr {
    if seconds >= 60 && seconds.is_multiple_of(60) {
        Expr::Call("mins", vec![Expr::Int(seconds / 60)])
    } else {
        Expr::Call("secs", vec![Expr::Int(seconds)])
    }
}

/// A byte value such as `512m`, `1.5g`, `2GB` or `1073741824` as a `Memory` expression.
pub fn memory(text: &str) -> Option<Expr> {
    let text = text.trim().to_ascii_lowercase();
    let digits = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let number: f64 = text[..digits].parse().ok()?;
    let factor: f64 = match text[digits..].trim_end_matches(['b', 'i']) {
        "" => 1.0,
        "k" => 1024.0,
        "m" => 1024.0 * 1024.0,
        "g" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    let bytes = (number * factor).round() as u64;
    const MIB: u64 = 1024 * 1024;
    Some(if bytes != 0 && bytes.is_multiple_of(1024 * MIB) {
        Expr::Call("Memory::gib", vec![Expr::Int(bytes / (1024 * MIB))])
    } else if bytes.is_multiple_of(MIB) {
        Expr::Call("Memory::mib", vec![Expr::Int(bytes / MIB)])
    } else {
        Expr::Call("Memory::from_bytes", vec![Expr::Int(bytes)])
    })
}

/// A CPU count such as `0.5` or `2` as a `Cpu` expression.
pub fn cpu(text: &str) -> Option<Expr> {
    let cores: f64 = text.trim().parse().ok()?;
    if cores.is_nan() || cores <= 0.0 {
        return None;
    }
    let millis = (cores * 1000.0).round() as u64;
    Some(if millis.is_multiple_of(1000) {
        Expr::Call("Cpu::cores", vec![Expr::Int(millis / 1000)])
    } else {
        Expr::Call("Cpu::millis", vec![Expr::Int(millis)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_spellings_read() {
        assert_eq!(seconds("1m30s"), Some(90));
        assert_eq!(seconds("10s"), Some(10));
        assert_eq!(seconds("500ms"), Some(1));
        assert_eq!(seconds("30"), Some(30));
        assert_eq!(seconds("soon"), None);
        assert_eq!(memory("512M"), Some(Expr::Call("Memory::mib", vec![Expr::Int(512)])));
        assert_eq!(memory("2g"), Some(Expr::Call("Memory::gib", vec![Expr::Int(2)])));
        assert_eq!(memory("1.5GB"), Some(Expr::Call("Memory::mib", vec![Expr::Int(1536)])));
        assert_eq!(cpu("0.5"), Some(Expr::Call("Cpu::millis", vec![Expr::Int(500)])));
        assert_eq!(cpu("4"), Some(Expr::Call("Cpu::cores", vec![Expr::Int(4)])));
        assert_eq!(cpu("-1"), None);
    }
}
