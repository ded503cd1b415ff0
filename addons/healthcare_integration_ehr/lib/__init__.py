"""Database-free FHIR R4 helpers of the EHR addon; import modules individually."""
