-- FOCUS ServiceCategory of an AWS service: one per service, as FOCUS requires (a ServiceName
-- has a single ServiceCategory; EC2's EBS volumes and data transfer are Compute charges).
CREATE OR REPLACE MACRO service_category(product_code) AS CASE
    WHEN product_code IN ('AmazonEC2', 'AWSLambda', 'AmazonECS', 'AmazonEKS', 'AWSFargate',
                          'AmazonLightsail', 'AWSBatch') THEN 'Compute'
    WHEN product_code IN ('AmazonRDS', 'AmazonDynamoDB', 'AmazonElastiCache', 'AmazonRedshift',
                          'AmazonDocDB', 'AmazonNeptune') THEN 'Databases'
    WHEN product_code IN ('AmazonS3', 'AmazonEFS', 'AmazonFSx', 'AmazonGlacier', 'AWSBackup')
        THEN 'Storage'
    WHEN product_code IN ('AWSELB', 'AmazonVPC', 'AmazonCloudFront', 'AmazonRoute53',
                          'AWSDataTransfer', 'AWSDirectConnect', 'AWSGlobalAccelerator')
        THEN 'Networking'
    WHEN product_code IN ('AmazonCloudWatch', 'AWSConfig', 'AWSCloudTrail', 'AWSCostExplorer')
        THEN 'Management and Governance'
    WHEN product_code IN ('AWSKMS', 'AWSSecretsManager', 'awswaf', 'AmazonGuardDuty')
        THEN 'Security'
    WHEN product_code IN ('AmazonSNS', 'AmazonSQS', 'AmazonKinesis', 'AWSEvents')
        THEN 'Integration'
    WHEN product_code IN ('AmazonAthena', 'AWSGlue', 'AmazonEMR', 'AmazonQuickSight')
        THEN 'Analytics'
    WHEN product_code IN ('AmazonSageMaker', 'AmazonBedrock') THEN 'AI and Machine Learning'
    ELSE 'Other'
END;

-- FOCUS 1.2 ServiceSubcategory (one of the allowed values of the service's category)
CREATE OR REPLACE MACRO service_subcategory(product_code) AS CASE
    WHEN product_code = 'AmazonEC2' THEN 'Virtual Machines'
    WHEN product_code IN ('AWSLambda') THEN 'Serverless Compute'
    WHEN product_code IN ('AmazonECS', 'AmazonEKS', 'AWSFargate') THEN 'Containers'
    WHEN product_code = 'AmazonRDS' THEN 'Relational Databases'
    WHEN product_code IN ('AmazonDynamoDB', 'AmazonDocDB') THEN 'NoSQL Databases'
    WHEN product_code = 'AmazonElastiCache' THEN 'Caching'
    WHEN product_code = 'AmazonRedshift' THEN 'Data Warehouses'
    WHEN product_code = 'AmazonS3' THEN 'Object Storage'
    WHEN product_code IN ('AmazonEFS', 'AmazonFSx') THEN 'File Storage'
    WHEN product_code IN ('AmazonGlacier', 'AWSBackup') THEN 'Backup Storage'
    WHEN product_code = 'AmazonCloudFront' THEN 'Content Delivery'
    WHEN product_code IN ('AmazonRoute53', 'AWSGlobalAccelerator') THEN 'Network Routing'
    WHEN product_code = 'AWSELB' THEN 'Application Networking'
    WHEN product_code = 'AmazonVPC' THEN 'Network Infrastructure'
    WHEN product_code IN ('AWSDataTransfer', 'AWSDirectConnect') THEN 'Network Connectivity'
    WHEN product_code = 'AmazonCloudWatch' THEN 'Observability'
    WHEN product_code IN ('AWSConfig', 'AWSCloudTrail') THEN 'Compliance'
    WHEN product_code = 'AWSCostExplorer' THEN 'Cost Management'
    WHEN product_code IN ('AWSKMS', 'AWSSecretsManager') THEN 'Secret Management'
    WHEN product_code = 'AmazonGuardDuty' THEN 'Threat Detection and Response'
    WHEN product_code = 'awswaf' THEN 'Network Security'
    WHEN product_code IN ('AmazonSNS', 'AmazonSQS', 'AWSEvents') THEN 'Messaging'
    WHEN product_code = 'AmazonKinesis' THEN 'Streaming Analytics'
    WHEN product_code IN ('AmazonAthena', 'AWSGlue', 'AmazonEMR') THEN 'Data Processing'
    WHEN product_code = 'AmazonQuickSight' THEN 'Business Intelligence'
    WHEN product_code = 'AmazonSageMaker' THEN 'Machine Learning'
    WHEN product_code = 'AmazonBedrock' THEN 'Generative AI'
    ELSE concat('Other (', service_category(product_code), ')')
END;

-- FOCUS ResourceType for a resource whose CUR row names no instance type
CREATE OR REPLACE MACRO resource_kind(product_code, product_family) AS CASE
    WHEN product_family = 'Storage' AND product_code = 'AmazonEC2' THEN 'Volume'
    WHEN product_family = 'Storage Snapshot' THEN 'Snapshot'
    WHEN product_family = 'NAT Gateway' THEN 'NAT Gateway'
    WHEN product_family = 'IP Address' THEN 'Elastic IP Address'
    WHEN product_family LIKE 'Load Balancer%' OR product_code = 'AWSELB' THEN 'Load Balancer'
    WHEN product_code = 'AmazonEC2' THEN 'Instance'
    WHEN product_code = 'AmazonRDS' THEN 'DB Instance'
    WHEN product_code = 'AmazonS3' THEN 'Bucket'
    WHEN product_code = 'AWSLambda' THEN 'Function'
    WHEN product_code = 'AmazonDynamoDB' THEN 'Table'
    ELSE product_code
END;

-- a price times a quantity (or a rate) where both are staged as DECIMAL(38, 20): DuckDB refuses
-- a product whose scale would pass 38, so each factor keeps 14 decimal places (the product 28,
-- with ten integer digits) and the result is money again
CREATE OR REPLACE MACRO money_mul(a, b) AS
    CAST(CAST(a AS DECIMAL(38, 14)) * CAST(b AS DECIMAL(38, 14)) AS DECIMAL(38, 20));
